import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

let parsed: X509Certificate[] | undefined;

/** Node's bundled root certificates, parsed once (~30 ms) and only when a chain needs anchoring. */
export function nodeRootCertificates(): readonly X509Certificate[] {
  parsed ??= rootCertificates.map((pem) => new X509Certificate(pem));
  return parsed;
}
