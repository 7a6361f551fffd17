<?php
// An independent signed_request implementation, written the way Facebook's published PHP samples
// parse them (hash_hmac over the raw payload segment, base64url decoded with strtr). Used by
// test/facebook/php-interop.test.ts: it must accept what `fbpay sign` makes, and fbpay must accept
// what it signs. The secret comes from the APP_SECRET environment variable.

function base64_url_decode($input) {
    return base64_decode(strtr($input, '-_', '+/'));
}

function base64_url_encode($input, $padded) {
    $s = strtr(base64_encode($input), '+/', '-_');
    return $padded ? $s : rtrim($s, '=');
}

function parse_signed_request($signed_request, $secret) {
    $parts = explode('.', $signed_request, 2);
    if (count($parts) !== 2) return [null, 'not two segments'];
    list($encoded_sig, $payload) = $parts;
    $sig = base64_url_decode($encoded_sig);
    $data = json_decode(base64_url_decode($payload), true);
    if (!is_array($data)) return [null, 'payload is not JSON'];
    if (!isset($data['algorithm']) || strtoupper($data['algorithm']) !== 'HMAC-SHA256') return [null, 'unknown algorithm'];
    $expected_sig = hash_hmac('sha256', $payload, $secret, true);
    if (!hash_equals($expected_sig, $sig)) return [null, 'bad signature'];
    return [$data, null];
}

$secret = getenv('APP_SECRET');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
header('Content-Type: application/json');

if ($path === '/__ping') {
    echo '{"ok":true}';
} elseif ($path === '/parse') {
    // POST signed_request=… (form encoded, as Facebook posts it)
    list($data, $error) = parse_signed_request(isset($_POST['signed_request']) ? $_POST['signed_request'] : '', $secret);
    if ($data === null) {
        http_response_code(400);
        echo json_encode(['valid' => false, 'error' => $error]);
    } else {
        echo json_encode(['valid' => true, 'payload' => $data]);
    }
} elseif ($path === '/sign') {
    // POST a JSON object; answers {"signed_request": …}. ?padded=1 keeps '=' like the PHP SDK.
    $data = json_decode(file_get_contents('php://input'), true);
    if (!isset($data['algorithm'])) $data = array_merge(['algorithm' => 'HMAC-SHA256'], $data);
    $padded = isset($_GET['padded']);
    $payload = base64_url_encode(json_encode($data), $padded);
    $sig = base64_url_encode(hash_hmac('sha256', $payload, $secret, true), $padded);
    echo json_encode(['signed_request' => $sig . '.' . $payload]);
} else {
    http_response_code(404);
    echo '{"error":"not found"}';
}
