<?php
// A Facebook payments webhook endpoint written like the published PHP samples
// (php -S 127.0.0.1:PORT fb-router.php): the handshake echoes hub_challenge when hub_verify_token
// matches, and a POST is accepted when X-Hub-Signature equals 'sha1=' . hash_hmac('sha1', $body, $secret).
// FB_APP_SECRET and FB_VERIFY_TOKEN come from the environment.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/__ping') {
    echo 'pong';
    return true;
}
$secret = getenv('FB_APP_SECRET');
$verify_token = getenv('FB_VERIFY_TOKEN');

if ($_SERVER['REQUEST_METHOD'] === 'GET') {
    // PHP turns the dots of hub.mode, hub.verify_token, hub.challenge into underscores.
    if (isset($_GET['hub_mode'], $_GET['hub_verify_token'], $_GET['hub_challenge'])
        && $_GET['hub_mode'] === 'subscribe'
        && hash_equals($verify_token, $_GET['hub_verify_token'])) {
        echo $_GET['hub_challenge'];
        return true;
    }
    http_response_code(403);
    echo 'Forbidden';
    return true;
}

$body = file_get_contents('php://input');
$header = isset($_SERVER['HTTP_X_HUB_SIGNATURE']) ? $_SERVER['HTTP_X_HUB_SIGNATURE'] : '';
$expected = 'sha1=' . hash_hmac('sha1', $body, $secret);
if (!hash_equals($expected, $header)) {
    http_response_code(403);
    echo 'Invalid signature';
    return true;
}
$update = json_decode($body, true);
if (!is_array($update) || !isset($update['object']) || $update['object'] !== 'payments') {
    http_response_code(400);
    echo 'Not a payments update';
    return true;
}
foreach ($update['entry'] as $entry) {
    file_put_contents('php://stderr', 'payment ' . $entry['id'] . ' changed: ' . implode(',', $entry['changed_fields']) . "\n");
}
http_response_code(200);
echo 'OK';
return true;
