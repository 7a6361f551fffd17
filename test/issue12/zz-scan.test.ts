import { it } from 'vitest';
import { commandLineProblem, commandLinesInSource } from '../helpers/command-lines.js';
it('scan', async () => {
  const lines = commandLinesInSource('/work/wt-i12-diag/src');
  console.log('found', lines.length);
  for (const { file, line } of lines) {
    const l = line.replace(/\$\{[^}]*\}/g, '1234567890');
    const p = await commandLineProblem(l);
    if (p) console.log(file.replace('/work/wt-i12-diag/', ''), '::', p.slice(0, 300));
  }
}, 120000);
