<?php
// An independent receiver for `fbpay mock paypal` deliveries, sharing no code with fbpay: the
// signed string built by hand, sprintf('%u', crc32($body)), the certificate fetched from the
// emulator (only from 127.0.0.1), its chain checked against the emulator CA with
// openssl_x509_verify, and openssl_verify over the signed string.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/__ping') { echo 'pong'; return true; }
header('Content-Type: application/json');
function reply($status, $doc) { http_response_code($status); echo json_encode($doc); return true; }

$body = file_get_contents('php://input');
$h = array_change_key_case(getallheaders(), CASE_LOWER);
foreach (['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-cert-url', 'paypal-auth-algo'] as $name) {
    if (!isset($h[$name])) return reply(400, ['ok' => false, 'reason' => "missing $name"]);
}
if (strcasecmp($h['paypal-auth-algo'], 'SHA256withRSA') !== 0) return reply(400, ['ok' => false, 'reason' => 'algorithm']);
$u = parse_url($h['paypal-cert-url']);
if (!$u || ($u['host'] ?? '') !== '127.0.0.1') return reply(400, ['ok' => false, 'reason' => 'certificate host not allowed']);
$bundle = @file_get_contents($h['paypal-cert-url']);
if ($bundle === false) return reply(503, ['ok' => false, 'reason' => 'certificate fetch failed']);
preg_match_all('/-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----/s', $bundle, $m);
$leaf = $m[0][0] ?? '';
$ca = file_get_contents(getenv('EMULATOR_CA'));
if (openssl_x509_verify($leaf, openssl_pkey_get_public($ca)) !== 1) return reply(400, ['ok' => false, 'reason' => 'certificate not issued by the emulator CA']);
$age = time() - strtotime($h['paypal-transmission-time']);
if ($age > 86400 || $age < -300) return reply(400, ['ok' => false, 'reason' => 'stale transmission time']);
$webhookId = getenv('PAYPAL_WEBHOOK_ID');
$event = json_decode($body, true);
$type = $event['event_type'] ?? '';
$signed = $h['paypal-transmission-id'] . '|' . $h['paypal-transmission-time'] . '|' . $webhookId . '|' . sprintf('%u', crc32($body));
$ok = openssl_verify($signed, base64_decode($h['paypal-transmission-sig']), $leaf, 'sha256WithRSAEncryption');
if ($ok !== 1) return reply(400, ['ok' => false, 'reason' => 'signature', 'signed' => $signed]);
$sub = strpos($type, 'PAYMENT.SALE.COMPLETED') === 0 ? ($event['resource']['billing_agreement_id'] ?? null) : null;
return reply(200, ['ok' => true, 'event_type' => $type, 'subscription_id' => $sub]);
