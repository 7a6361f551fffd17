import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { verifyPaypalWebhook, type PaypalVerifyOptions, type PaypalVerifyResult } from '../../../src/core/paypal/verify.js';
import { anchors, cert, CERT_URL, headersFor, interPem, keys, leafPem, leafViaInterPem, NOW, PAYPAL_CN, rootPem, TID, TIME } from './world.js';

/**
 * What the verdict rests on: the certificate chain to an anchor, the certificate's name, its validity
 * at `now`, and who vouched for it. Each test is a delivery a user could receive; the forged ones
 * must never verify.
 */
const BODY = '{"id":"WH-EVT-1","event_type":"PAYMENT.SALE.COMPLETED","resource":{"id":"S-1"}}';
const check = (r: PaypalVerifyResult, name: string) => r.checks.find((c) => c.check === name);
const failed = (r: PaypalVerifyResult) => r.checks.filter((c) => !c.ok).map((c) => c.check);
const fetched = (pem: string, o: Partial<PaypalVerifyOptions> = {}) => ({ webhookId: 'WH-HOOK', now: NOW, anchors, loadCert: async () => pem, ...o });
const verify = (pem: string, o: Partial<PaypalVerifyOptions> = {}, headers = headersFor(BODY), body: string | Buffer = BODY) => verifyPaypalWebhook(body, headers, fetched(pem, o));

describe('chain to the anchor', () => {
  it('a PayPal leaf issued by the anchor, fetched from PayPal: valid, trusted as PayPal’s CA, every check plain', async () => {
    const r = await verify(leafPem);
    expect(failed(r)).toEqual([]);
    expect(r).toMatchObject({ valid: true, trust: 'paypal-ca' });
    expect(r.checks.map((c) => [c.check, c.warning])).toEqual([
      ['headers', undefined],
      ['auth_algo', undefined],
      ['transmission_time', undefined],
      ['cert_url', undefined],
      ['cert_subject', undefined],
      ['cert_validity', undefined],
      ['cert_chain', undefined],
      ['signature', undefined],
    ]);
    expect(check(r, 'cert_chain')!.detail).toBe('issued by Test Root CA (PayPal\u2019s CA, shipped with fbpay)');
    expect(check(r, 'cert_subject')!.detail).toBe(`CN=${PAYPAL_CN}`);
    expect(check(r, 'cert_url')!.detail).toBe('https on api.paypal.com');
    expect(check(r, 'headers')!.detail).toBe('all PAYPAL-* headers present');
    expect(check(r, 'auth_algo')!.detail).toBe('SHA256withRSA');
    expect(check(r, 'signature')!.detail).toBe(`RSA-SHA256 over ${r.signedString}`);
    expect(r.signedString).toBe(`${TID}|${TIME}|WH-HOOK|${r.crc}`);
    expect(r.certificate).toEqual({
      source: 'fetched',
      url: CERT_URL,
      subject: `CN=${PAYPAL_CN}`,
      issuer: 'CN=Test Root CA',
      validFrom: '2027-01-14T08:00:00Z',
      validTo: '2027-01-16T08:00:00Z',
    });
  });

  it('the shipped anchors are the default: a leaf from a test root is not PayPal’s', async () => {
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId: 'WH-HOOK', now: NOW, loadCert: async () => leafPem });
    expect(failed(r)).toEqual(['cert_chain']);
    expect(check(r, 'cert_chain')!.detail).toBe('issued by "CN=Test Root CA", which is not PayPal\u2019s CA');
    expect(r.valid).toBe(false);
  });

  it('forged: a leaf that names the anchor as issuer but is signed with another key is refused', async () => {
    const forged = cert(keys.leaf, keys.attacker, { issuerCn: 'Test Root CA' });
    const r = await verify(forged);
    expect(r.valid).toBe(false);
    expect(r.trust).toBeUndefined();
    expect(failed(r)).toEqual(['cert_chain']);
    // --ca naming the same root does not help either: its key did not sign the leaf.
    const viaCa = await verify(forged, { caPem: rootPem });
    expect(failed(viaCa)).toEqual(['cert_chain']);
    expect(check(viaCa, 'cert_chain')!.detail).toBe(`the signature on ${PAYPAL_CN} does not verify with the key of Test Root CA`);
  });

  it('forged: a leaf signed with the anchor’s key but naming another issuer is not anchored', async () => {
    const misnamed = cert(keys.leaf, keys.root, { issuerCn: 'Somebody Else CA' });
    const r = await verify(misnamed);
    expect(r.valid).toBe(false);
    expect(check(r, 'cert_chain')).toEqual({ check: 'cert_chain', ok: false, detail: 'issued by "CN=Somebody Else CA", which is not PayPal\u2019s CA' });
  });

  it('an anchor is used only while it is valid (both ends inclusive)', async () => {
    const leafLong = cert(keys.leaf, keys.root, { issuerCn: 'Test Root CA', notBefore: NOW - 100 * 86_400, notAfter: NOW + 100 * 86_400 });
    const rootFrom = NOW - 10 * 86_400;
    const rootTo = NOW + 10 * 86_400;
    const at = (now: number) => verify(leafLong, { now, maxAgeSeconds: 0, futureSkewSeconds: 1e9 });
    expect((await at(rootTo)).valid).toBe(true);
    expect((await at(rootFrom)).valid).toBe(true);
    const late = await at(rootTo + 1);
    expect(failed(late)).toEqual(['cert_chain']);
    const early = await at(rootFrom - 1);
    expect(failed(early)).toEqual(['cert_chain']);
  });

  it('through an intermediate from --ca or from the fetched bundle: anchored, and the detail says where it came from', async () => {
    const viaCa = await verify(leafViaInterPem, { caPem: interPem });
    expect(viaCa).toMatchObject({ valid: true, trust: 'paypal-ca' });
    expect(check(viaCa, 'cert_chain')).toEqual({ check: 'cert_chain', ok: true, detail: 'issued by Test Intermediate CA \u2192 Test Root CA (PayPal\u2019s CA, shipped with fbpay)' });
    const bundle = await verify(leafViaInterPem + interPem);
    expect(bundle).toMatchObject({ valid: true, trust: 'paypal-ca' });
    expect(check(bundle, 'cert_chain')!.detail).toBe('issued by Test Intermediate CA (sent with the certificate) \u2192 Test Root CA (PayPal\u2019s CA, shipped with fbpay)');
    // A --ca that is not the issuer, next to the real one: the issuer is still found.
    const other = cert(keys.attacker, keys.attacker, { subjectCn: 'Unrelated CA', isCa: true });
    expect((await verify(leafViaInterPem, { caPem: other + interPem })).trust).toBe('paypal-ca');
  });

  it('an intermediate that is not a CA, is not valid now, or does not chain is refused', async () => {
    const notCa = cert(keys.inter, keys.root, { subjectCn: 'Test Intermediate CA', issuerCn: 'Test Root CA', isCa: false });
    const r1 = await verify(leafViaInterPem + notCa);
    expect(check(r1, 'cert_chain')).toEqual({ check: 'cert_chain', ok: false, detail: '"Test Intermediate CA" is not a CA certificate' });
    expect(r1.valid).toBe(false);
    // Even with --cert (the user vouched for the leaf): a broken chain is a failure, not a warning.
    const r1c = await verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId: 'WH-HOOK', now: NOW, anchors, certPem: leafViaInterPem, caPem: notCa });
    expect(failed(r1c)).toEqual(['cert_chain']);

    const expired = cert(keys.inter, keys.root, { subjectCn: 'Test Intermediate CA', issuerCn: 'Test Root CA', isCa: true, notBefore: NOW - 5 * 86_400, notAfter: NOW - 1 });
    const r2 = await verify(leafViaInterPem, { caPem: expired });
    expect(check(r2, 'cert_chain')).toEqual({
      check: 'cert_chain',
      ok: false,
      detail: 'the CA "Test Intermediate CA" is not valid at 2027-01-15T08:00:00Z (2027-01-10T08:00:00Z \u2192 2027-01-15T07:59:59Z)',
    });
    const notYet = cert(keys.inter, keys.root, { subjectCn: 'Test Intermediate CA', issuerCn: 'Test Root CA', isCa: true, notBefore: NOW + 1, notAfter: NOW + 86_400 });
    expect(failed(await verify(leafViaInterPem, { caPem: notYet }))).toEqual(['cert_chain']);
    // Valid at its exact first and last second.
    const edge = (from: number, to: number) => cert(keys.inter, keys.root, { subjectCn: 'Test Intermediate CA', issuerCn: 'Test Root CA', isCa: true, notBefore: from, notAfter: to });
    expect((await verify(leafViaInterPem, { caPem: edge(NOW, NOW + 86_400) })).valid).toBe(true);
    expect((await verify(leafViaInterPem, { caPem: edge(NOW - 86_400, NOW) })).valid).toBe(true);

    // An intermediate the anchor did not issue, given with --ca: trusted only because the user passed it.
    const selfInter = cert(keys.inter, keys.inter, { subjectCn: 'Test Intermediate CA', isCa: true });
    const r3 = await verify(leafViaInterPem, { caPem: selfInter });
    expect(r3).toMatchObject({ valid: true, trust: '--ca' });
    expect(check(r3, 'cert_chain')).toEqual({ check: 'cert_chain', ok: true, warning: true, detail: 'issued by Test Intermediate CA, which you passed with --ca; it does not chain to PayPal\u2019s CA' });
    expect(failed(await verify(leafViaInterPem, { caPem: selfInter, strictChain: true }))).toEqual([]);
    // The same self-made intermediate sent in the fetched bundle vouches for nothing.
    const r4 = await verify(leafViaInterPem + selfInter);
    expect(r4.valid).toBe(false);
    expect(check(r4, 'cert_chain')).toEqual({
      check: 'cert_chain',
      ok: false,
      detail: 'issued by Test Intermediate CA, which came with the certificate itself and does not chain to PayPal\u2019s CA; pass the real intermediate with --ca',
    });
  });

  it('no issuer among the --ca certificates: the detail counts them', async () => {
    const other = cert(keys.attacker, keys.attacker, { subjectCn: 'Unrelated CA', isCa: true });
    const r = await verify(leafViaInterPem, { caPem: other + other });
    expect(check(r, 'cert_chain')).toEqual({ check: 'cert_chain', ok: false, detail: 'issued by "CN=Test Intermediate CA", which is not PayPal\u2019s CA nor any of the 2 CA certificate(s) given' });
  });
});

describe('who vouched: --cert, --allow-cert-host, --strict-chain', () => {
  const unanchored = cert(keys.leaf, keys.attacker, { subjectCn: 'not-paypal.example', issuerCn: 'Attacker CA', dnsNames: ['not-paypal.example'] });

  it('--cert with a PayPal leaf that chains: trusted as PayPal’s CA; the certificate is described as explicit', async () => {
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId: 'WH-HOOK', now: NOW, anchors, certPem: leafPem });
    expect(r).toMatchObject({ valid: true, trust: 'paypal-ca' });
    expect(r.certificate).toEqual({ source: 'explicit', subject: `CN=${PAYPAL_CN}`, issuer: 'CN=Test Root CA', validFrom: '2027-01-14T08:00:00Z', validTo: '2027-01-16T08:00:00Z' });
    expect(check(r, 'cert_url')).toEqual({ check: 'cert_url', ok: true, detail: 'not fetched: using --cert', warning: false });
  });

  it('--cert with a non-PayPal leaf from the anchor: valid only as "--cert", with the subject warning', async () => {
    const named = cert(keys.leaf, keys.root, { subjectCn: 'hooks.example.test', issuerCn: 'Test Root CA' });
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId: 'WH-HOOK', now: NOW, anchors, certPem: named });
    expect(r).toMatchObject({ valid: true, trust: '--cert' });
    expect(check(r, 'cert_subject')).toEqual({ check: 'cert_subject', ok: true, warning: true, detail: 'CN=hooks.example.test is not a PayPal certificate; accepted because you passed --cert' });
    // The same certificate fetched from PayPal's host: nobody vouched for the name.
    const f = await verify(named);
    expect(f.valid).toBe(false);
    expect(check(f, 'cert_subject')).toEqual({ check: 'cert_subject', ok: false, detail: 'CN=hooks.example.test is not messageverificationcerts…paypal.com' });
  });

  it('a PayPal name in the subjectAltName alone is enough; a lookalike name is not', async () => {
    const san = cert(keys.leaf, keys.root, { subjectCn: 'PayPal Webhooks', issuerCn: 'Test Root CA', dnsNames: ['www.example.com', 'messageverificationcerts.sandbox.paypal.com'] });
    const r = await verify(san);
    expect(r).toMatchObject({ valid: true, trust: 'paypal-ca' });
    expect(check(r, 'cert_subject')!.detail).toBe('CN=PayPal Webhooks');
    for (const cn of ['messageverificationcerts.paypal.com.evil.example', 'xmessageverificationcerts.paypal.com', 'api.paypal.com']) {
      const bad = await verify(cert(keys.leaf, keys.root, { subjectCn: cn, issuerCn: 'Test Root CA', dnsNames: [cn] }));
      expect(failed(bad), cn).toEqual(['cert_subject']);
    }
    // Name matching ignores case, as DNS does.
    expect((await verify(cert(keys.leaf, keys.root, { subjectCn: 'MessageVerificationCerts.PayPal.com', issuerCn: 'Test Root CA' }))).valid).toBe(true);
  });

  it('--cert with an unanchored leaf: accepted with warnings saying why; --strict-chain refuses it', async () => {
    const o = { webhookId: 'WH-HOOK', now: NOW, anchors, certPem: unanchored };
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY), o);
    expect(r).toMatchObject({ valid: true, trust: '--cert' });
    expect(check(r, 'cert_chain')).toEqual({ check: 'cert_chain', ok: true, warning: true, detail: 'issued by "CN=Attacker CA", which is not PayPal\u2019s CA; accepted because you passed --cert' });
    const strict = await verifyPaypalWebhook(BODY, headersFor(BODY), { ...o, strictChain: true });
    expect(strict.valid).toBe(false);
    expect(failed(strict)).toEqual(['cert_chain']);
    expect(check(strict, 'cert_chain')!.detail).toBe('issued by "CN=Attacker CA", which is not PayPal\u2019s CA');
    expect('trust' in strict).toBe(false);
  });

  it('forged: the same unanchored leaf fetched from PayPal’s URL fails subject and chain, and trust is never set', async () => {
    const r = await verify(unanchored);
    expect(r.valid).toBe(false);
    expect(failed(r)).toEqual(['cert_subject', 'cert_chain']);
    expect('trust' in r).toBe(false);
  });

  it('--allow-cert-host: the certificate is the user’s word; warnings on URL, subject and chain', async () => {
    const url = 'http://127.0.0.1:8999/cert.pem';
    const requested: string[] = [];
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY, { certUrl: url }), {
      webhookId: 'WH-HOOK',
      now: NOW,
      anchors,
      allowCertHosts: ['127.0.0.1'],
      loadCert: async (u) => (requested.push(u), unanchored),
    });
    expect(requested).toEqual([url]);
    expect(r).toMatchObject({ valid: true, trust: '--allow-cert-host' });
    expect(check(r, 'cert_url')).toEqual({ check: 'cert_url', ok: true, warning: true, detail: '127.0.0.1:8999 allowed by --allow-cert-host (not a PayPal host)' });
    expect(check(r, 'cert_subject')!.detail).toBe('CN=not-paypal.example is not a PayPal certificate; accepted because you passed --allow-cert-host');
    expect(check(r, 'cert_chain')!.detail).toMatch(/accepted because you passed --allow-cert-host$/);
    const strict = await verifyPaypalWebhook(BODY, headersFor(BODY, { certUrl: url }), { webhookId: 'WH-HOOK', now: NOW, anchors, allowCertHosts: ['127.0.0.1'], strictChain: true, loadCert: async () => unanchored });
    expect(failed(strict)).toEqual(['cert_chain']);
  });

  it('a leaf signed by a valid anchor but failing another check (expired) is not valid and carries no trust', async () => {
    const r = await verify(leafPem, { now: NOW + 2 * 86_400, futureSkewSeconds: 1e9, maxAgeSeconds: 0 });
    expect(failed(r)).toEqual(['cert_validity']);
    expect(r.valid).toBe(false);
    expect('trust' in r).toBe(false);
  });
});

describe('certificate validity at now', () => {
  const from = NOW - 86_400;
  const to = NOW + 86_400;
  const at = (now: number) => verify(leafPem, { now, futureSkewSeconds: 1e9, maxAgeSeconds: 0 });

  it('valid from its first to its last second inclusive', async () => {
    for (const now of [from, to]) {
      const r = await at(now);
      expect(failed(r), String(now)).toEqual([]);
      expect(check(r, 'cert_validity')!.detail).toBe('valid 2027-01-14T08:00:00Z \u2192 2027-01-16T08:00:00Z');
    }
  });

  it('one second before: not valid yet; one second after: expired, with the --now hint', async () => {
    expect(check(await at(from - 1), 'cert_validity')).toEqual({ check: 'cert_validity', ok: false, detail: 'not valid before 2027-01-14T08:00:00Z (now 2027-01-14T07:59:59Z)' });
    expect(check(await at(to + 1), 'cert_validity')).toEqual({
      check: 'cert_validity',
      ok: false,
      detail: 'expired 2027-01-16T08:00:00Z (now 2027-01-16T08:00:01Z); a historical delivery needs --now <its transmission time>',
    });
  });
});

describe('fetching the certificate', () => {
  it('a refused URL stops the checks before any fetch', async () => {
    let calls = 0;
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY, { certUrl: 'https://evil.example/cert.pem' }), { webhookId: 'WH-HOOK', now: NOW, anchors, loadCert: async () => (calls++, leafPem) });
    expect(calls).toBe(0);
    expect(r.checks.map((c) => c.check)).toEqual(['headers', 'auth_algo', 'transmission_time', 'cert_url']);
    expect(r.valid).toBe(false);
    expect(r.certificate).toBeUndefined();
  });

  it('no loader and no --cert: a failed certificate check that says what to pass', async () => {
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId: 'WH-HOOK', now: NOW, anchors });
    expect(r.checks.at(-1)).toEqual({ check: 'certificate', ok: false, detail: 'no certificate: pass --cert, or let fbpay fetch PAYPAL-CERT-URL' });
    expect(r.valid).toBe(false);
  });

  it('a fetched document that is not a certificate is a failed check (not a crash); a loader error propagates', async () => {
    const r = await verify('<html>not found</html>');
    expect(r.checks.at(-1)).toEqual({ check: 'certificate', ok: false, detail: `the certificate at ${CERT_URL} holds no PEM certificate` });
    expect(r.valid).toBe(false);
    const boom = new Error('socket hang up');
    await expect(verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId: 'WH-HOOK', now: NOW, anchors, loadCert: async () => Promise.reject(boom) })).rejects.toBe(boom);
  });

  it('--cert: the header’s URL is not fetched; a URL that would be refused is a warning that says so', async () => {
    const o = { webhookId: 'WH-HOOK', now: NOW, anchors, certPem: leafPem };
    const r = await verifyPaypalWebhook(BODY, headersFor(BODY, { certUrl: 'http://evil.example/c.pem' }), o);
    expect(r.valid).toBe(true);
    expect(check(r, 'cert_url')).toEqual({
      check: 'cert_url',
      ok: true,
      warning: true,
      detail: "not fetched: using --cert (the header's URL would be refused: refused to fetch: evil.example is not a PayPal certificate host (api.paypal.com, api.sandbox.paypal.com, api-m.paypal.com, api-m.sandbox.paypal.com) — a forged delivery names its own certificate)",
    });
  });

  it('--cert and --ca that are blank or unreadable: --ca blank is ignored, garbage is bad input', async () => {
    const o = { webhookId: 'WH-HOOK', now: NOW, anchors, certPem: leafPem };
    expect((await verifyPaypalWebhook(BODY, headersFor(BODY), { ...o, caPem: ' \n' })).valid).toBe(true);
    await expect(verifyPaypalWebhook(BODY, headersFor(BODY), { ...o, caPem: 'junk' })).rejects.toMatchObject({ code: 'bad_certificate', message: '--ca holds no PEM certificate' });
    await expect(verifyPaypalWebhook(BODY, headersFor(BODY), { ...o, certPem: 'junk' })).rejects.toMatchObject({ code: 'bad_certificate', message: '--cert holds no PEM certificate' });
  });

  it('a missing webhook id is bad input that says where to get one', async () => {
    for (const webhookId of ['', undefined as unknown as string]) {
      const e = await verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId, now: NOW, anchors, certPem: leafPem }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect(e).toMatchObject({ code: 'missing_webhook_id', message: 'a webhook id is needed to verify', hint: 'pass --webhook-id or set PAYPAL_WEBHOOK_ID (simulator deliveries: WEBHOOK_ID)' });
    }
  });
});

describe('certificates without a CN, or with a key that cannot check RSA', () => {
  /** The leaf's subject CN rewritten to an OU (2.5.4.3 → 2.5.4.11): no CN left, and the issuer's signature broken. */
  const withoutCn = (pem: string, cn: string) => {
    const der = new X509Certificate(pem).raw;
    const cnAttr = Buffer.concat([Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, cn.length]), Buffer.from(cn)]);
    const at = der.lastIndexOf(cnAttr);
    expect(at).toBeGreaterThan(0);
    der[at + 4] = 0x0b;
    return `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
  };
  const noCn = withoutCn(cert(keys.leaf, keys.inter, { subjectCn: 'no cn here', issuerCn: 'Test Intermediate CA', dnsNames: [PAYPAL_CN] }), 'no cn here');
  const noCnOther = withoutCn(cert(keys.leaf, keys.inter, { subjectCn: 'no cn here', issuerCn: 'Test Intermediate CA' }), 'no cn here');

  it('the details say "(none)" and "the certificate" where a name would be', async () => {
    expect(new X509Certificate(noCn).subject).toBe('OU=no cn here');
    const r = await verify(noCn, { caPem: interPem });
    expect(check(r, 'cert_subject')).toEqual({ check: 'cert_subject', ok: true, detail: 'CN=(none)' });
    expect(check(r, 'cert_chain')).toEqual({ check: 'cert_chain', ok: false, detail: 'the signature on the certificate does not verify with the key of Test Intermediate CA' });
    expect(r.valid).toBe(false);
    expect(check(await verify(noCnOther), 'cert_subject')!.detail).toBe('CN=(none) is not messageverificationcerts…paypal.com');
    const vouched = await verifyPaypalWebhook(BODY, headersFor(BODY), { webhookId: 'WH-HOOK', now: NOW, anchors, certPem: noCnOther });
    expect(check(vouched, 'cert_subject')!.detail).toBe('CN=(none) is not a PayPal certificate; accepted because you passed --cert');
  });

  it('a certificate with an Ed25519 key: the signature fails (and the near misses too), no crash', async () => {
    const ed = generateKeyPairSync('ed25519');
    const edLeaf = cert({ publicKey: ed.publicKey, privateKey: ed.privateKey }, keys.root, { issuerCn: 'Test Root CA' });
    const r = await verify(edLeaf);
    expect(failed(r)).toEqual(['signature']);
    expect(check(r, 'signature')!.detail).toBe(`does not verify over ${r.signedString}`);
    expect(r.nearMisses).toEqual([]);
  });
});

describe('names printed with several parts', () => {
  it('an issuer with an organisation is printed on one line', async () => {
    const orgLeaf = cert(keys.leaf, keys.attacker, { issuerCn: 'Other CA', issuerOrg: 'Other Org' });
    const r = await verify(orgLeaf);
    expect(check(r, 'cert_chain')!.detail).toBe('issued by "O=Other Org, CN=Other CA", which is not PayPal\u2019s CA');
    expect(r.certificate!.issuer).toBe('O=Other Org, CN=Other CA');
  });
});
