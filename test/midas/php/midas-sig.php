<?php
// An independent implementation of Tencent's OpenAPI v3 / Midas callback signatures, written from the
// documented rule (not from fbpay's code): source = METHOD & rawurlencode(path) & rawurlencode(sorted
// k=v joined by &) with "~" as %7E (as Tencent's SDK does), HMAC-SHA1 with key "appkey&", base64.
// Callback values are first encoded byte by byte: all but 0-9 a-z A-Z ! * ( ) become %XX (uppercase).

function midas_encode_value($value) {
    $out = '';
    $len = strlen($value);
    for ($i = 0; $i < $len; $i++) {
        $c = $value[$i];
        if (preg_match('/^[a-zA-Z0-9!*()]$/', $c)) {
            $out .= $c;
        } else {
            $out .= sprintf('%%%02X', ord($c));
        }
    }
    return $out;
}

function midas_source($method, $path, $params) {
    ksort($params, SORT_STRING);
    $pairs = array();
    foreach ($params as $k => $v) {
        $pairs[] = $k . '=' . $v;
    }
    return strtoupper($method) . '&' . rawurlencode($path) . '&' . str_replace('~', '%7E', rawurlencode(implode('&', $pairs)));
}

function midas_sig($method, $path, $params, $appkey) {
    $key = strtr($appkey . '&', '-_', '+/');
    return base64_encode(hash_hmac('sha1', midas_source($method, $path, $params), $key, true));
}

function midas_callback_sig($method, $path, $params, $appkey) {
    unset($params['sig']);
    foreach ($params as $k => $v) {
        $params[$k] = midas_encode_value((string)$v);
    }
    return midas_sig($method, $path, $params, $appkey);
}
