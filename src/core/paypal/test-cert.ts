import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors.js';

/**
 * A minimal X.509 v3 certificate writer (DER), so fbpay can make test certificates without the
 * `openssl` binary: Node's crypto parses certificates (X509Certificate) but cannot create them.
 * It writes exactly what a PayPal-style verifier reads: subject/issuer CN (+O), validity, the RSA
 * public key, basicConstraints, subjectAltName, signed sha256WithRSAEncryption. Nothing else.
 */

function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let head: Buffer;
  if (len < 0x80) head = Buffer.from([tag, len]);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    head = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([head, content]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const ctx = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const nullValue = () => Buffer.from([0x05, 0x00]);
// Stryker disable next-line StringLiteral: Buffer.from(string, '') encodes as utf8, the default
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean) => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  // Stryker disable next-line ConditionalExpression: stripping a zero before a high-bit byte is undone by the sign byte added on the next line
  while (b.length > 1 && b[0] === 0 && (b[1] & 0x80) === 0) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let n = Math.floor(p / 128); n > 0; n = Math.floor(n / 128)) stack.unshift((n & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(unixSeconds: number): Buffer {
  const iso = new Date(unixSeconds * 1000).toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // YYYYMMDDHHMMSSZ
  const year = Number(iso.slice(0, 4));
  // Stryker disable next-line StringLiteral: the digits are ASCII, which utf8 (the default for '') encodes identically
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

function name(cn: string, org?: string): Buffer {
  const rdns = [set(seq(oid('2.5.4.3'), utf8(cn)))];
  if (org) rdns.unshift(set(seq(oid('2.5.4.10'), utf8(org))));
  return seq(...rdns);
}

const SHA256_WITH_RSA = () => seq(oid('1.2.840.113549.1.1.11'), nullValue());

export interface CertificateSpec {
  subjectCn: string;
  subjectOrg?: string;
  /** Defaults to the subject (self-signed). */
  issuerCn?: string;
  issuerOrg?: string;
  /** The certified public key. */
  publicKey: KeyObject | string;
  /** The issuer's private key (the subject's own key for a self-signed certificate). */
  signingKey: KeyObject | string;
  /** Unix seconds. */
  notBefore: number;
  notAfter: number;
  /** DNS names for subjectAltName. */
  dnsNames?: string[];
  /** IPv4 addresses for subjectAltName (a TLS certificate for 127.0.0.1). */
  ipAddresses?: string[];
  isCa?: boolean;
  /** Serial number bytes (random 16 bytes when absent). */
  serial?: Buffer;
}

/** Writes a certificate from `spec` and returns it PEM-encoded. */
export function createCertificate(spec: CertificateSpec): string {
  const pub = typeof spec.publicKey === 'string' ? createPublicKey(spec.publicKey) : spec.publicKey;
  // Stryker disable next-line ConditionalExpression,StringLiteral: crypto.sign accepts a PEM string as well as a KeyObject
  const signer = typeof spec.signingKey === 'string' ? createPrivateKey(spec.signingKey) : spec.signingKey;
  const spki = pub.export({ type: 'spki', format: 'der' });
  const serial = spec.serial ?? randomBytes(16);
  const exts: Buffer[] = [seq(oid('2.5.29.19'), bool(true), octets(spec.isCa ? seq(bool(true)) : seq()))];
  if (spec.isCa) exts.push(seq(oid('2.5.29.15'), bool(true), octets(bitString(Buffer.from([0x06]))))); // keyCertSign | cRLSign
  // Stryker disable next-line StringLiteral: DNS names are ASCII, which utf8 (the default for '') encodes identically
  const sans = [...(spec.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...(spec.ipAddresses ?? []).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number))))];
  if (sans.length) exts.push(seq(oid('2.5.29.17'), octets(seq(...sans))));
  const tbs = seq(
    ctx(0, integer(Buffer.from([2]))),
    integer(serial),
    SHA256_WITH_RSA(),
    name(spec.issuerCn ?? spec.subjectCn, spec.issuerCn === undefined ? spec.subjectOrg : spec.issuerOrg),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subjectCn, spec.subjectOrg),
    spki,
    ctx(3, seq(...exts)),
  );
  const signature = cryptoSign('sha256', tbs, signer);
  const der = seq(tbs, SHA256_WITH_RSA(), bitString(signature));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export const TEST_CERT_CN = 'fbpay local test certificate';
export const TEST_CERT_ORG = 'fbpay test only - not PayPal';

export interface TestKeyPair {
  /** PKCS#8 PEM private key. */
  keyPem: string;
  /** Self-signed X.509 certificate PEM. */
  certPem: string;
}

/**
 * A fresh RSA-2048 key and a self-signed certificate for it, valid from one hour before `now` for
 * `days` days. For local test deliveries only: a real verifier must refuse it (wrong issuer, no chain).
 */
export function generateTestKeyPair(opts: { now?: number; days?: number; cn?: string; dnsNames?: string[] } = {}): TestKeyPair {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const days = opts.days ?? 365;
  if (!Number.isFinite(days) || days <= 0 || days > 36500) throw new UsageError('bad_option', `--days must be from 1 to 36500, got ${days}`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certPem = createCertificate({
    subjectCn: opts.cn ?? TEST_CERT_CN,
    subjectOrg: TEST_CERT_ORG,
    publicKey,
    signingKey: privateKey,
    notBefore: now - 3600,
    notAfter: now + days * 86400,
    dnsNames: opts.dnsNames,
  });
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certPem };
}
