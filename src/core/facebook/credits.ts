/**
 * Legacy Facebook Credits callbacks: Facebook POSTs a form (`signed_request`, `method`, `order_id`…)
 * to the app's callback URL and expects a JSON reply:
 *   payments_get_items      → {"content":[{"title","description","price","image_url",…}],"method":"payments_get_items"}
 *   payments_status_update  → {"content":{"status":"settled","order_id":…},"method":"payments_status_update"}
 * These validators check such a reply and name the first wrong field. Pure.
 */
export type CreditsMethod = 'payments_get_items' | 'payments_status_update';
export const CREDITS_METHODS: readonly CreditsMethod[] = ['payments_get_items', 'payments_status_update'];

/** Statuses an app may move an order to in its payments_status_update reply. */
export const CREDITS_NEXT_STATUSES = ['settled', 'canceled', 'refunded'] as const;

export interface CreditsReplyVerdict {
  ok: boolean;
  /** The first wrong field as a path: `content[0].price`, `method`, `(reply)`. */
  field?: string;
  /** One line: `content[0].price must be a positive whole number of credits, got "1.99"`. */
  reason?: string;
}

export interface CreditsRequestContext {
  /** The order id Facebook sent; a status update reply that names another order is wrong. */
  orderId?: string | number;
}

/** Validates the reply body text of a Credits callback (parses it as JSON first). */
export function validateCreditsReplyText(method: CreditsMethod, text: string, ctx: CreditsRequestContext = {}): CreditsReplyVerdict {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    const first = text.trim().split('\n')[0].slice(0, 60);
    return fail('(reply)', `the reply is not JSON${first ? `: "${first}"` : ' (empty body)'}`);
  }
  return validateCreditsReply(method, reply, ctx);
}

/** Validates a parsed Credits callback reply; returns the first wrong field. */
export function validateCreditsReply(method: CreditsMethod, reply: unknown, ctx: CreditsRequestContext = {}): CreditsReplyVerdict {
  if (!isObject(reply)) return fail('(reply)', `the reply must be a JSON object, got ${describe(reply)}`);
  if (reply.method !== method) return fail('method', `method must be "${method}" (echo the request's method), got ${describe(reply.method)}`);
  return method === 'payments_get_items' ? checkGetItems(reply.content) : checkStatusUpdate(reply.content, ctx);
}

function checkGetItems(content: unknown): CreditsReplyVerdict {
  if (!Array.isArray(content)) return fail('content', `content must be an array of items, got ${describe(content)}`);
  if (content.length === 0) return fail('content', 'content must list at least one item');
  for (let i = 0; i < content.length; i++) {
    const item = content[i];
    const at = `content[${i}]`;
    if (!isObject(item)) return fail(at, `${at} must be an object, got ${describe(item)}`);
    for (const key of ['title', 'description'] as const) {
      if (typeof item[key] !== 'string' || (item[key] as string).trim() === '') return fail(`${at}.${key}`, `${at}.${key} must be a non-empty string, got ${describe(item[key])}`);
    }
    const price = item.price;
    const priceNum = typeof price === 'string' && /^\d+$/.test(price) ? Number(price) : price;
    // Stryker disable next-line ConditionalExpression: equivalent: Number.isInteger is false for anything that is not a number, so the typeof test only documents intent
    if (typeof priceNum !== 'number' || !Number.isInteger(priceNum) || priceNum <= 0) {
      return fail(`${at}.price`, `${at}.price must be a positive whole number of credits, got ${describe(price)}`);
    }
    if (typeof item.image_url !== 'string' || !/^https?:\/\/\S+$/i.test(item.image_url)) {
      return fail(`${at}.image_url`, `${at}.image_url must be an absolute http(s) URL, got ${describe(item.image_url)}`);
    }
    if (item.product_url !== undefined && (typeof item.product_url !== 'string' || !/^https?:\/\/\S+$/i.test(item.product_url))) {
      return fail(`${at}.product_url`, `${at}.product_url must be an absolute http(s) URL when present, got ${describe(item.product_url)}`);
    }
    if (item.item_id !== undefined && typeof item.item_id !== 'string' && typeof item.item_id !== 'number') {
      return fail(`${at}.item_id`, `${at}.item_id must be a string or number when present, got ${describe(item.item_id)}`);
    }
  }
  return { ok: true };
}

function checkStatusUpdate(content: unknown, ctx: CreditsRequestContext): CreditsReplyVerdict {
  if (!isObject(content)) return fail('content', `content must be an object like {"status":"settled","order_id":…}, got ${describe(content)}`);
  const status = content.status;
  // Stryker disable next-line ConditionalExpression: equivalent: includes() on a list of strings is false for any non-string value
  if (typeof status !== 'string' || !(CREDITS_NEXT_STATUSES as readonly string[]).includes(status)) {
    return fail('content.status', `content.status must be one of ${CREDITS_NEXT_STATUSES.join(', ')}, got ${describe(status)}`);
  }
  // A numeric order_id parsed by a JavaScript server may have lost precision past 2^53: compare as that server would.
  // Stryker disable next-line ConditionalExpression: equivalent: a non-number is never === to a number, so the typeof test only documents intent
  const sameOrder = (a: unknown, b: string | number) => String(a) === String(b) || (typeof a === 'number' && a === Number(b));
  if (ctx.orderId !== undefined && content.order_id !== undefined && !sameOrder(content.order_id, ctx.orderId)) {
    return fail('content.order_id', `content.order_id must be the order being updated (${ctx.orderId}), got ${describe(content.order_id)}`);
  }
  return { ok: true };
}

function fail(field: string, reason: string): CreditsReplyVerdict {
  return { ok: false, field, reason };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 50 ? s.slice(0, 50) + '…' : s;
}
