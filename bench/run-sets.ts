/**
 * npm run bench:run-sets [-- --no-browser] [--rounds N]: issue 13's run-set benches alone: the 8-width sweep
 * and the 16-seed set as run sets against their members run one after another, in Node/Dawn and in
 * headless Chromium (the same module, bench/run-set.ts). Prints the table and whether each target holds.
 * `npm run bench` runs the same section among the others.
 */
import { requestGpu } from '../src/gpu/device';
import { startBrowserBench } from './browser/run';
import { benchRunSet, formatRunSetRows, RUN_SET_BENCHES, runSetTargets, type RunSetBenchRow } from './run-set';

const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 2;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds needs a positive integer, got '${args[roundsArg + 1]}'`);
const log = (line: string) => console.log(line);

const gpu = await requestGpu();
log(`run-set bench — Node ${process.version}, ${gpu.runtime}: ${gpu.adapterDescription}; ${rounds} rounds, interleaved`);
const nodeRows: RunSetBenchRow[] = [];
for (const spec of RUN_SET_BENCHES) {
  nodeRows.push(await benchRunSet(gpu, spec, { rounds }));
  log(`  node: ${spec.label} done`);
}
const targets = runSetTargets('Node/Dawn', nodeRows);
log(formatRunSetRows('Node/Dawn', nodeRows).join('\n'));
if (!args.includes('--no-browser')) {
  const bench = await startBrowserBench(log);
  try {
    await bench.tune();
    const browserRows = await bench.runSets(RUN_SET_BENCHES, rounds);
    log(formatRunSetRows('Chromium', browserRows).join('\n'));
    targets.push(...runSetTargets('Chromium', browserRows));
  } finally {
    await bench.close();
  }
}
for (const t of targets) log(`${t.holds ? 'HOLDS' : 'MISS '} ${t.name}: ${t.detail}`);
process.exit(0);
