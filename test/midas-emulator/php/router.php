<?php
// Independent PHP for the Midas emulator tests (php -S 127.0.0.1:PORT router.php), written the way
// Tencent's YSDK PHP SDK signs and its SnsSigCheck verifies — not fbpay's code:
//   GET /order?base=URL&method=get|post&login=qq|wx&key=APPKEY&…   signs a buy_goods_m request
//       (/mpay/buy_goods_m, sig over /v3/r/mpay/buy_goods_m, key strtr(appkey&,'-_','+/')) and
//       sends it with the session cookies; echoes the emulator's JSON reply
//   GET /midas/deliver?…&sig=…   a delivery callback: verifies it with the callback rule
//       ($_GET as PHP parses it, each value encoded byte by byte first), replies {"ret":0,"msg":"OK"}
//       or ret 4, and appends the verdict to $MIDAS_LOG
// MIDAS_APPKEY and MIDAS_LOG come from the environment.

function sdk_source($method, $url_path, $params) {
    ksort($params);
    $pairs = array();
    foreach ($params as $k => $v) {
        $pairs[] = $k . '=' . $v;
    }
    return strtoupper($method) . '&' . rawurlencode($url_path) . '&' . str_replace('~', '%7E', rawurlencode(implode('&', $pairs)));
}

function sdk_sig($method, $url_path, $params, $secret) {
    return base64_encode(hash_hmac('sha1', sdk_source($method, $url_path, $params), strtr($secret, '-_', '+/'), true));
}

// the delivery-callback value rule: everything but 0-9 a-z A-Z ! * ( ) as %XX, byte by byte
function callback_value($value) {
    $out = '';
    $n = strlen($value);
    for ($i = 0; $i < $n; $i++) {
        $c = $value[$i];
        $out .= preg_match('/^[0-9a-zA-Z!*()]$/', $c) ? $c : sprintf('%%%02X', ord($c));
    }
    return $out;
}

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/__ping') {
    echo 'pong';
    return true;
}
header('Content-Type: application/json');

if ($path === '/order') {
    $method = isset($_GET['method']) ? $_GET['method'] : 'post';
    $login = isset($_GET['login']) ? $_GET['login'] : 'qq';
    $key = isset($_GET['key']) ? $_GET['key'] : getenv('MIDAS_APPKEY');
    $params = array(
        'openid' => $_GET['openid'],
        'openkey' => 'PAYTOKEN',
        'appid' => $_GET['appid'],
        'ts' => (string) time(),
        'pf' => 'qq_m_qq-2001-android-2011',
        'pfkey' => 'PFKEY',
        'zoneid' => '1',
        'payitem' => $_GET['payitem'],
        'goodsmeta' => $_GET['goodsmeta'],
        'goodsurl' => '',
        'appmode' => '1',
        'app_metadata' => isset($_GET['app_metadata']) ? $_GET['app_metadata'] : '',
        'format' => 'json',
    );
    $script = '/mpay/buy_goods_m';
    $params['sig'] = sdk_sig($method, '/v3/r' . $script, $params, $key . '&');
    $pairs = array();
    foreach ($params as $k => $v) {
        $pairs[] = rawurlencode($k) . '=' . rawurlencode($v);
    }
    $query = implode('&', $pairs);
    $cookie = $login === 'wx' ? 'session_id=hy_gameid; session_type=wc_actoken' : 'session_id=openid; session_type=kp_actoken';
    $cookie .= '; org_loc=' . urlencode($script);
    $headers = "Cookie: $cookie\r\n";
    $url = $_GET['base'] . $script;
    $opts = array('ignore_errors' => true, 'timeout' => 5, 'method' => strtoupper($method), 'header' => $headers);
    if ($method === 'get') {
        $url .= '?' . $query;
    } else {
        $opts['header'] .= "Content-Type: application/x-www-form-urlencoded\r\n";
        $opts['content'] = $query;
    }
    $reply = file_get_contents($url, false, stream_context_create(array('http' => $opts)));
    echo $reply === false ? json_encode(array('ret' => -1, 'msg' => 'request failed')) : $reply;
    return true;
}

if ($path === '/midas/deliver') {
    $params = $_GET;
    $sig = isset($params['sig']) ? $params['sig'] : '';
    unset($params['sig']);
    $encoded = array();
    foreach ($params as $k => $v) {
        $encoded[$k] = callback_value($v);
    }
    $expected = sdk_sig($_SERVER['REQUEST_METHOD'], $path, $encoded, getenv('MIDAS_APPKEY') . '&');
    $ok = hash_equals($expected, $sig) && isset($params['ts']) && abs(time() - (int) $params['ts']) <= 900;
    file_put_contents(getenv('MIDAS_LOG'), json_encode(array('ok' => $ok, 'params' => $params)) . "\n", FILE_APPEND);
    echo $ok ? '{"ret":0,"msg":"OK"}' : json_encode(array('ret' => 4, 'msg' => '请求参数错误：(sig)'), JSON_UNESCAPED_UNICODE);
    return true;
}

http_response_code(404);
echo '{"ret":4,"msg":"no route"}';
return true;
