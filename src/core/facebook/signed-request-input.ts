/**
 * What users paste into `fbpay decode`: the bare signed_request, or what their server actually
 * received around it — a form body (`signed_request=…&access_token=…`, as a Canvas POST or a Credits
 * callback sends it) or the Pay Dialog's FB.ui response (`{"payment_id":…,"signed_request":"…"}`).
 * Pure; no I/O.
 */
export interface SignedRequestInput {
  /** The signed_request to decode. */
  signedRequest: string;
  /** Set when it was taken out of a larger input: says which field of what. */
  note?: string;
}

/** Finds the signed_request in `input`; returns the input unchanged when it is not a form body or JSON holding one. */
export function extractSignedRequest(input: string): SignedRequestInput {
  const text = input.trim();
  if (text.startsWith('{')) {
    let doc: Record<string, unknown>;
    try {
      // JSON text that starts with '{' parses to an object or not at all.
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { signedRequest: input };
    }
    const sr = doc.signed_request;
    if (typeof sr !== 'string') return { signedRequest: input };
    const others = Object.keys(doc).filter((k) => k !== 'signed_request');
    const what = 'payment_id' in doc ? 'the Pay Dialog (FB.ui) response JSON' : 'the JSON';
    return { signedRequest: sr, note: `decoded the "signed_request" field of ${what}${others.length ? ` (other fields, not signed: ${others.slice(0, 6).join(', ')}${others.length > 6 ? ', …' : ''})` : ''}` };
  }
  // A form body: a bare signed_request (<signature>.<payload>, '=' only as padding) has no field of that name.
  const form = new URLSearchParams(text);
  const sr = form.get('signed_request');
  if (sr === null) return { signedRequest: input };
  const others = [...new Set([...form.keys()].filter((k) => k !== 'signed_request'))];
  return { signedRequest: sr, note: `decoded the "signed_request" field of the form body${others.length ? ` (other fields, not signed: ${others.slice(0, 6).join(', ')}${others.length > 6 ? ', …' : ''})` : ''}` };
}
