<?php
// An independent Facebook webhook receiver, written the way the published Facebook PHP samples do it:
// X-Hub-Signature = 'sha1=' . hash_hmac('sha1', raw body, app secret), compared with hash_equals.
$secret = getenv('FB_APP_SECRET');
$verifyToken = getenv('FB_VERIFY_TOKEN');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/__ping') { echo 'pong'; return true; }

if ($_SERVER['REQUEST_METHOD'] === 'GET') {
  // PHP turns the dots of hub.mode into underscores.
  if (($_GET['hub_mode'] ?? '') === 'subscribe' && hash_equals($verifyToken, $_GET['hub_verify_token'] ?? '')) {
    echo $_GET['hub_challenge'];
  } else {
    http_response_code(403);
    echo 'bad verify token';
  }
  return true;
}

$raw = file_get_contents('php://input');
$header = $_SERVER['HTTP_X_HUB_SIGNATURE'] ?? '';
$expected = 'sha1=' . hash_hmac('sha1', $raw, $secret);
if (!hash_equals($expected, $header)) {
  http_response_code(403);
  echo 'invalid signature';
  return true;
}
$update = json_decode($raw, true);
if (!is_array($update) || ($update['object'] ?? '') !== 'payments') {
  http_response_code(400);
  echo 'not a payments update';
  return true;
}
header('Content-Type: application/json');
echo json_encode(['ok' => true, 'payment_id' => $update['entry'][0]['id'], 'changed_fields' => $update['entry'][0]['changed_fields']]);
return true;
