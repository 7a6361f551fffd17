import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';

/** The hosts PayPal serves its message-verification certificates from. Anything else is refused before fetching. */
export const PAYPAL_CERT_HOSTS: readonly string[] = ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com'];

/** CN / SAN of PayPal's webhook signing certificates: messageverificationcerts.paypal.com, …sandbox.paypal.com. */
export const PAYPAL_CERT_NAME = /^messageverificationcerts\.([a-z0-9-]+\.)*paypal\.com$/i;

export interface CertUrlVerdict {
  ok: boolean;
  detail: string;
  /** Allowed because the user named the host (not PayPal's list): the certificate is then trusted by the user. */
  userAllowed?: boolean;
}

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[?::1\]?)$/i;

/**
 * The certificate URL policy, decided from the URL text alone (no DNS, no fetch): https on one of
 * PAYPAL_CERT_HOSTS (default port), or a host the user allowed (`--allow-cert-host`; plain http only
 * for loopback hosts).
 */
// Stryker disable next-line ArrayDeclaration: a default entry can only be matched by a URL host equal to it, and a host never contains spaces like Stryker's placeholder
export function checkCertUrl(certUrl: string | undefined, allowHosts: readonly string[] = []): CertUrlVerdict {
  if (!certUrl) return { ok: false, detail: 'PAYPAL-CERT-URL is missing' };
  let u: URL;
  try {
    u = new URL(certUrl);
  } catch {
    return { ok: false, detail: `PAYPAL-CERT-URL is not a URL: ${certUrl.slice(0, 120)}` };
  }
  if (u.username || u.password) return { ok: false, detail: `refused ${u.host}: the URL carries credentials` };
  const host = u.hostname.toLowerCase();
  const allowed = allowHosts.map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (allowed.includes(host) || allowed.includes(u.host.toLowerCase())) {
    if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.test(host))) {
      return { ok: true, userAllowed: true, detail: `${u.host} allowed by --allow-cert-host (not a PayPal host)` };
    }
    return { ok: false, detail: `${u.protocol} certificate URL on ${u.host}: only https (or http on loopback) is fetched` };
  }
  if (!PAYPAL_CERT_HOSTS.includes(host)) {
    return { ok: false, detail: `refused to fetch: ${u.host} is not a PayPal certificate host (${PAYPAL_CERT_HOSTS.join(', ')}) — a forged delivery names its own certificate` };
  }
  if (u.protocol !== 'https:') return { ok: false, detail: `refused to fetch: ${u.protocol}// is not https` };
  if (u.port !== '') return { ok: false, detail: `refused to fetch: port ${u.port} on ${host}` };
  return { ok: true, detail: `https on ${host}` };
}

/** Splits a PEM bundle into certificates (leaf first, as PayPal serves them). UsageError when there is none or one is malformed. */
export function parseCertificates(pem: string, what = 'certificate'): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) throw new UsageError('bad_certificate', `${what} holds no PEM certificate`, { hint: 'expected -----BEGIN CERTIFICATE----- …' });
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      // Stryker disable next-line MethodExpression: X509Certificate's parse errors are OpenSSL lines well under 80 characters; the cap only guards a longer one
      throw new UsageError('bad_certificate', `${what}: certificate #${i + 1} is malformed (${(e as Error).message.slice(0, 80)})`);
    }
  });
}

/** The certificate's CN (last one in the subject) and DNS SANs. */
export function certNames(cert: X509Certificate): { cn?: string; dns: string[] } {
  const cns = [...cert.subject.matchAll(/(?:^|\n)CN=([^\n]*)/g)].map((m) => m[1]);
  // Stryker disable next-line StringLiteral,Regex: a placeholder without a DNS: entry yields no names, as '' does; Node separates subjectAltName entries with exactly ", "
  const entries = (cert.subjectAltName ?? '').split(/,\s*/);
  const dns = entries.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  return { cn: cns[cns.length - 1], dns };
}

export const certTime = (d: string) => Math.floor(Date.parse(d) / 1000);
// Stryker disable next-line Regex: toISOString() always ends with .sssZ, so the $ anchor changes nothing
export const isoSeconds = (unix: number) => new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
