// Runs every bench/*.bench.mjs in turn (each prints its own ratio lines and exits non-zero only on
// a crash). Targets are ratios against a baseline measured in the same run, never absolute times.
// `npm run bench -- replay` runs only the benches whose file name contains "replay".
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.mjs') && (!filter || f.includes(filter))).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', dir + f], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
