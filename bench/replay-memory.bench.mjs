// Replay memory stays flat as --count grows: peak RSS (VmHWM) of `webhook replay fb-payment-charge
// --count 200000` versus `--count 20000`, same concurrency, same receiver, same run.
// Target: ratio ≤ 1.1×.
import { requireBuild, runReplay, startReceiver } from './replay-helpers.mjs';

requireBuild();
const SMALL = Number(process.env.BENCH_SMALL ?? 20_000);
const LARGE = Number(process.env.BENCH_LARGE ?? 200_000);
const receiver = await startReceiver();
try {
  const run = async (count) => {
    const { summary, peakKb } = await runReplay(['fb-payment-charge', '--to', `${receiver.url}/webhook`, '--count', String(count), '--concurrency', '32']);
    if (summary.ok !== count) throw new Error(`${summary.ok}/${count} ok`);
    if (peakKb === null) throw new Error('cannot read /proc/<pid>/status (VmHWM): Linux only');
    console.log(`  --count ${count}: peak RSS ${(peakKb / 1024).toFixed(1)} MiB, ${summary.rps} req/s`);
    return peakKb;
  };
  const small = await run(SMALL);
  const large = await run(LARGE);
  const ratio = large / small;
  console.log(`replay memory: peak RSS at --count ${LARGE} / --count ${SMALL} = ${ratio.toFixed(2)}× (target ≤ 1.10×) ${ratio <= 1.1 ? 'OK' : 'ABOVE TARGET'}`);
} finally {
  await receiver.stop();
}
