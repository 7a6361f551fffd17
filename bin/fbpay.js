#!/usr/bin/env node
const argv = process.argv.slice(2);

// `fbpay decode` is the start-up-budgeted command: try its one-file fast lane first.
const handled = argv.includes('decode') && (await import('../dist/fast-decode.js')).runFastDecode(argv);
if (!(await handled)) (await import('../dist/cli.js')).run(argv);
