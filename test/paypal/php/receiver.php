<?php
// An independent PayPal webhook receiver, written the way PayPal's PHP samples do it, plus the
// certificate host allow-list they omit. Used by the tests to check fbpay's deliveries with code
// that shares nothing with fbpay: openssl_verify + sprintf('%u', crc32($body)).
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/__ping') { echo 'pong'; return true; }
header('Content-Type: application/json');
function reply($status, $doc) { http_response_code($status); echo json_encode($doc); return true; }

$body = file_get_contents('php://input');
$h = array_change_key_case(getallheaders(), CASE_LOWER);
$webhookId = getenv('PAYPAL_WEBHOOK_ID');
foreach (['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-cert-url', 'paypal-auth-algo'] as $name) {
    if (!isset($h[$name])) return reply(400, ['ok' => false, 'reason' => "missing $name"]);
}
// Never fetch a certificate from wherever the request says: this test receiver trusts loopback only.
$u = parse_url($h['paypal-cert-url']);
if (!$u || ($u['host'] ?? '') !== '127.0.0.1') return reply(400, ['ok' => false, 'reason' => 'certificate host not allowed']);
$certPem = @file_get_contents($h['paypal-cert-url']);
if ($certPem === false) return reply(502, ['ok' => false, 'reason' => 'certificate fetch failed']);
$age = time() - strtotime($h['paypal-transmission-time']);
if ($age > 86400 || $age < -300) return reply(400, ['ok' => false, 'reason' => 'stale transmission time']);
$signed = $h['paypal-transmission-id'] . '|' . $h['paypal-transmission-time'] . '|' . $webhookId . '|' . sprintf('%u', crc32($body));
$ok = openssl_verify($signed, base64_decode($h['paypal-transmission-sig']), $certPem, 'sha256WithRSAEncryption');
if ($ok !== 1) return reply(400, ['ok' => false, 'reason' => 'signature', 'signed' => $signed]);
$event = json_decode($body, true);
$type = $event['event_type'] ?? '';
$sub = strpos($type, 'PAYMENT.SALE.') === 0 ? ($event['resource']['billing_agreement_id'] ?? null) : ($event['resource']['id'] ?? null);
return reply(200, ['ok' => true, 'event_type' => $type, 'subscription_id' => $sub, 'crc' => sprintf('%u', crc32($body))]);
