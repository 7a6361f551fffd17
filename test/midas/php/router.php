<?php
// A delivery-callback endpoint as a correct game server writes it (php -S 127.0.0.1:PORT router.php):
// $_GET as PHP parses it, the callback rule, a 15-minute ts window, and the exact reply Midas wants.
// MIDAS_APPKEY comes from the environment.
require __DIR__ . '/midas-sig.php';

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/__ping') {
    echo 'pong';
    return true;
}
header('Content-Type: application/json');
$appkey = getenv('MIDAS_APPKEY');
$params = $_GET;
$sig = isset($params['sig']) ? $params['sig'] : '';
unset($params['sig']);

function reply_error($param) {
    echo json_encode(array('ret' => 4, 'msg' => '请求参数错误：(' . $param . ')'), JSON_UNESCAPED_UNICODE);
}

if (!isset($params['ts']) || abs(time() - (int)$params['ts']) > 900) {
    reply_error('ts');
    return true;
}
$expected = midas_callback_sig($_SERVER['REQUEST_METHOD'], $path, $params, $appkey);
if (!hash_equals($expected, $sig)) {
    reply_error('sig');
    return true;
}
file_put_contents('php://stderr', 'delivered ' . $params['billno'] . "\n");
echo json_encode(array('ret' => 0, 'msg' => 'OK'));
return true;
