import { randomBytes } from 'node:crypto';
import { parsePayitem, type PayItem } from '../../../core/midas/order.js';

/**
 * The Midas emulator's in-memory state, pure (no I/O): apps (appid → appkey and delivery URL),
 * buy_goods_m orders by token, hosted-currency balances per app/openid/zone, and the pay_m /
 * present_m bills by billno. Time is passed in (unix seconds) so tests control expiry.
 */

export interface MidasApp {
  appid: string;
  appkey: string;
  /** Where paid orders and gifts are delivered (the game's 发货回调 URL). */
  deliver_to?: string;
}

export type MidasLoginKind = 'qq' | 'wx' | 'guest';

export interface MidasOrder {
  token: string;
  appid: string;
  openid: string;
  zoneid: string;
  pf: string;
  payitem: string;
  items: PayItem[];
  /** Sum of price × num (the buy_goods_m amt, in Q点). */
  total: number;
  goodsmeta: string;
  app_metadata: string;
  login: MidasLoginKind;
  created_at: number;
  expires_at: number;
  /** Set once paid. */
  billno?: string;
  paid_at?: number;
}

export interface MidasBalance {
  balance: number;
  gen_balance: number;
  save_amt: number;
}

export interface MidasBill {
  billno: string;
  kind: 'pay' | 'present';
  key: string;
  amt: number;
  used_gen_amt: number;
  cancelled: boolean;
}

export const TOKEN_TTL_SECONDS = 300;

export class MidasState {
  readonly apps = new Map<string, MidasApp>();
  readonly orders = new Map<string, MidasOrder>();
  readonly balances = new Map<string, MidasBalance>();
  readonly bills = new Map<string, MidasBill>();
  counters = { orders: 0, paid: 0, presents: 0, api_calls: 0, refused: 0 };
  private billSeq = 0;

  constructor(
    readonly defaultAppid: string,
    readonly tokenTtl = TOKEN_TTL_SECONDS,
  ) {}

  setApp(app: MidasApp): MidasApp {
    const prev = this.apps.get(app.appid);
    const next = { ...prev, ...app };
    this.apps.set(app.appid, next);
    return next;
  }

  createOrder(o: Omit<MidasOrder, 'token' | 'items' | 'total' | 'expires_at'>): MidasOrder {
    const items = parsePayitem(o.payitem);
    const order: MidasOrder = {
      ...o,
      token: randomBytes(16).toString('hex').toUpperCase(),
      items,
      total: items.reduce((s, it) => s + it.price * it.num, 0),
      expires_at: o.created_at + this.tokenTtl,
    };
    this.orders.set(order.token, order);
    this.counters.orders++;
    return order;
  }

  /** A Tencent-shaped bill number: -APPDJ<appid tail>-<yyyymmdd>-<seq>. */
  nextBillno(prefix: string, now: number): string {
    const day = new Date(now * 1000).toISOString().slice(0, 10).replace(/-/g, '');
    return `-${prefix}-${day}-${String(++this.billSeq).padStart(10, '0')}`;
  }

  balanceKey(appid: string, openid: string, zoneid: string): string {
    return `${appid}\u0000${openid}\u0000${zoneid}`;
  }

  balance(appid: string, openid: string, zoneid: string): MidasBalance {
    const key = this.balanceKey(appid, openid, zoneid);
    let b = this.balances.get(key);
    if (!b) {
      b = { balance: 0, gen_balance: 0, save_amt: 0 };
      this.balances.set(key, b);
    }
    return b;
  }
}
