import { spawnSync } from 'node:child_process';
import { skipWithout } from '../helpers/tools.js';

/**
 * Reads a JUnit file with an XML parser that is not ours: PHP's simplexml when the php-xml extension
 * is there, else Python's ElementTree (expat). Returns the document as plain data, or undefined when
 * neither is available (tests then skip visibly).
 */
export interface ParsedJunit {
  tests: string;
  failures: string;
  skipped: string;
  props: Record<string, string>;
  cases: Array<{ name: string; classname: string; failure: string | null; failureText: string | null; skipped: boolean }>;
}

const hasPhpXml = spawnSync('php', ['-r', 'exit(function_exists("simplexml_load_file") ? 0 : 1);']).status === 0;
const hasPython = spawnSync('python3', ['-c', 'import xml.etree.ElementTree']).status === 0;
export const XML_PARSER = hasPhpXml ? 'php simplexml' : hasPython ? 'python3 xml.etree (expat)' : undefined;
/** `skipIf(NO_XML_PARSER)`: skipped without either parser on a developer machine, run (and failing) in CI. */
export const NO_XML_PARSER = skipWithout('an XML parser (php-xml or python3)', XML_PARSER !== undefined, 'apt-get install php-xml or python3');

const PHP_SCRIPT = `$x = simplexml_load_file($argv[1]); if ($x === false) { fwrite(STDERR, "parse failed"); exit(1); }
$out = array('tests' => (string)$x['tests'], 'failures' => (string)$x['failures'], 'skipped' => (string)$x['skipped'], 'props' => new stdClass(), 'cases' => array());
if (isset($x->testsuite->properties)) foreach ($x->testsuite->properties->property as $p) $out['props']->{(string)$p['name']} = (string)$p['value'];
foreach ($x->testsuite as $ts) foreach ($ts->testcase as $tc) $out['cases'][] = array('name' => (string)$tc['name'], 'classname' => (string)$tc['classname'],
  'failure' => isset($tc->failure) ? (string)$tc->failure['message'] : null, 'failureText' => isset($tc->failure) ? (string)$tc->failure : null, 'skipped' => isset($tc->skipped));
echo json_encode($out);`;

const PY_SCRIPT = `import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
out = {'tests': root.get('tests'), 'failures': root.get('failures'), 'skipped': root.get('skipped'), 'props': {}, 'cases': []}
for p in root.iter('property'): out['props'][p.get('name')] = p.get('value')
for tc in root.iter('testcase'):
    f = tc.find('failure')
    out['cases'].append({'name': tc.get('name'), 'classname': tc.get('classname'), 'failure': f.get('message') if f is not None else None,
                         'failureText': (f.text or '') if f is not None else None, 'skipped': tc.find('skipped') is not None})
sys.stdout.write(json.dumps(out))`;

export function parseJunitFile(file: string): ParsedJunit {
  if (!XML_PARSER) throw new Error('no XML parser: install php-xml or python3');
  const r = hasPhpXml ? spawnSync('php', ['-r', PHP_SCRIPT, file], { encoding: 'utf8' }) : spawnSync('python3', ['-c', PY_SCRIPT, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${XML_PARSER} could not parse ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ParsedJunit;
}
