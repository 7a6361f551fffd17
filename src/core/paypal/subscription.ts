/**
 * "Which of my users does this PayPal event belong to?" PAYMENT.SALE.* events of a subscription carry
 * the subscription id as `resource.billing_agreement_id`; BILLING.SUBSCRIPTION.* events are about the
 * subscription itself (`resource.id`, `I-…`). Simulator sales have no billing_agreement_id.
 */
export interface PaypalEventInfo {
  eventId?: string;
  eventType?: string;
  resourceType?: string;
  resourceVersion?: string;
  resourceId?: string;
  /** The subscription (`I-…`) this event belongs to, when the event says. */
  subscriptionId?: string;
  /** Where subscriptionId came from. */
  subscriptionSource?: 'resource.id' | 'resource.billing_agreement_id';
  /** Your own reference set when the subscription/order was created (custom_id / custom). */
  customId?: string;
  /** Why there is no subscription id, when it is expected and missing. */
  note?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads the event fields fbpay reports from a raw webhook body (never throws; non-JSON gives {}). */
export function paypalEventInfo(body: Uint8Array | string | unknown): PaypalEventInfo {
  let event: unknown = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    try {
      event = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    } catch {
      return { note: 'body is not JSON' };
    }
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) return { note: 'body is not a JSON object' };
  const e = event as Record<string, unknown>;
  const resource = (e.resource && typeof e.resource === 'object' ? e.resource : {}) as Record<string, unknown>;
  const info: PaypalEventInfo = {
    eventId: str(e.id),
    eventType: str(e.event_type),
    resourceType: str(e.resource_type),
    resourceVersion: str(e.resource_version),
    resourceId: str(resource.id),
    customId: str(resource.custom_id) ?? str(resource.custom),
  };
  // Stryker disable next-line StringLiteral: any placeholder that starts with neither prefix behaves as ''
  const type = info.eventType ?? '';
  if (type.startsWith('BILLING.SUBSCRIPTION.')) {
    if (info.resourceId) Object.assign(info, { subscriptionId: info.resourceId, subscriptionSource: 'resource.id' });
    else info.note = 'subscription event without resource.id';
  } else if (type.startsWith('PAYMENT.SALE.')) {
    const ba = str(resource.billing_agreement_id);
    if (ba) Object.assign(info, { subscriptionId: ba, subscriptionSource: 'resource.billing_agreement_id' });
    else info.note = 'no resource.billing_agreement_id: a one-off sale (not a subscription payment), or a simulator event (simulator sales lack it)';
  }
  return info;
}
