<?php
// Reads a JSON array of cases on stdin; prints a JSON array of {source, sig} computed by midas-sig.php.
require __DIR__ . '/midas-sig.php';
$cases = json_decode(stream_get_contents(STDIN), true);
$out = array();
foreach ($cases as $c) {
    $params = $c['params'];
    unset($params['sig']);
    if ($c['rule'] === 'callback') {
        foreach ($params as $k => $v) $params[$k] = midas_encode_value((string)$v);
    }
    $out[] = array(
        'source' => midas_source($c['method'], $c['path'], $params),
        'sig' => midas_sig($c['method'], $c['path'], $params, $c['appkey']),
    );
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
