/**
 * npm run bench [-- --quick] [--no-node] [--no-browser] [--no-ui] [--budget-ms N] [--sizes MxNxD,...] [--no-science]
 *   [--sinkhorn-budget-s S] [--no-run-sets]:
 * issue 6's benchmarks (--sizes replaces the sizes and drops the width sweep from the browser part).
 * npm run bench -- --device [--quick] [--browser]: the bench for a machine with a real GPU (bench/device.ts).
 *  GradFlow's step runs with stepKernel 'auto' (what a user's run gets); each row names the kernel it ran.
 *  Node/Dawn: matmul variants and the autotune winner; GradFlow's step against its float64 reference
 *    (interleaved); the step's own products as plain matmuls (target 2); tiny nets' steps/s, unfused against
 *    multi-step and 'auto' (bench/tiny-nets.ts, issue 17); read-backs during training
 *    (target 3); cost of the science; scaling slopes in m, n, d and peak GPU memory.
 *  Chromium (bench/browser): GradFlow, TF.js WebGPU, TF.js wasm and the reference, interleaved in one
 *    page, at the sizes and a width sweep (together they hold issue 17's (256, 256, 16), (256, 512, 32) and
 *    (1024, 1024, 32)); ratios come only from these interleaved runs; tiny nets in the page.
 *  UI (bench/ui.ts): particle view fps and steps/s at 10,000 and 100,000 neurons.
 *  Run sets (bench/run-set.ts, issue 13), in Node and in the page: an 8-width sweep and 16 seeds as one run
 *    set against the members run one after another.
 * Prints tables and target verdicts; writes bench/results/bench.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestGpu } from '../src/gpu/device';
import { autotuneMatmul } from '../src/kernels/matmul-autotune';
import { MATMUL_ALGORITHMS, type MatmulAlgorithm } from '../src/core/matmul-algorithms';
import { benchMatmul, type MatmulBenchRow } from './matmul';
import { benchScience, type ScienceRow } from './science';
import { interleave, type InterleavedRow } from './interleave';
import { nodeContenders, stepProductsGflops, trainingReadbacks, memoryAt, type MemoryRow } from './node-step';
import type { StepSize } from './training-step';
import { browserTinyNets, startBrowserBench } from './browser/run';
import { benchUi, type UiBenchRow } from './ui';
import { formatStepTable, formatTarget, formatTune, judgeStepTargets, judgeTargets, type Target } from './report';
import { benchTinyNets, TINY_SIZES } from './tiny-nets';
import { settleAutoStepKernel } from './gradflow-contender';
import { runDeviceBench } from './device';
import { logLogSlope } from '../src/metrics/log-log-slope';
import { benchRunSet, formatRunSetRows, RUN_SET_BENCHES, runSetTargets, type RunSetBenchRow } from './run-set';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const log = (line: string) => console.log(line);
if (args.includes('--device')) {
  await runDeviceBench({ quick, browser: args.includes('--browser'), log });
  process.exit(0);
}
const size = (width: number, sampleCount: number, inputDim: number): StepSize => ({ width, sampleCount, inputDim });

const sizesArg = args.indexOf('--sizes');
const chosenSizes = sizesArg >= 0 ? args[sizesArg + 1]!.split(',').map((text) => { const [m, n, d] = text.split('x').map(Number); return size(m!, n!, d!); }) : undefined;
const SIZES = chosenSizes ?? (quick ? [size(256, 256, 16), size(1024, 1024, 32)] : [size(256, 256, 16), size(1024, 1024, 32), size(4096, 2048, 64), size(16384, 4096, 64)]);
/** Width sweep at fixed (n, d) = (512, 32): m = 256 .. 65536 (quick: 256 .. 4096). */
const SWEEP = (quick ? [256, 1024, 4096] : [256, 1024, 4096, 16384, 65536]).map((m) => size(m, 512, 32));
const N_SWEEP = (quick ? [256, 1024] : [512, 1024, 2048, 4096]).map((n) => size(1024, n, 32));
const D_SWEEP = (quick ? [16, 64] : [16, 32, 64, 128]).map((d) => size(1024, 1024, d));
/** A peer whose step is measured above this (here or at a smaller size) is skipped at that size. */
const budgetArg = args.indexOf('--budget-ms');
const PEER_BUDGET_MS = budgetArg >= 0 ? Number(args[budgetArg + 1]) : quick ? 3_000 : 15_000;
const ROUND_MS = quick ? 300 : 1500;
/** Tiny nets take thousands of steps a round at any length: shorter rounds keep the section under a minute per runtime. */
const TINY_ROUND_MS = quick ? 300 : 800;
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const gpu = await requestGpu();
log(`GradFlow bench${quick ? ' (--quick: small sizes)' : ''} — Node ${process.version}, ${gpu.runtime}: ${gpu.adapterDescription}`);

const node = !args.includes('--no-node');
let tuned: Awaited<ReturnType<typeof autotuneMatmul>> | undefined;
const matmulRows: MatmulBenchRow[] = [];
const nodeRows: InterleavedRow[] = [];
const productRows: { size: StepSize; gflops: number }[] = [];
let readbacks: string[] = [];
let science: ScienceRow[] = [];
const scaling: Record<string, { points: { x: number; msPerStep: number }[]; slope: number }> = {};
const memory: MemoryRow[] = [];
const runSets = !args.includes('--no-run-sets');
const nodeRunSetRows: RunSetBenchRow[] = [];
let browserRunSetRows: RunSetBenchRow[] = [];
let nodeTinyRows: InterleavedRow[] = [];
if (node) {
  // 1. Kernel variants: autotune (what the trainer's 'auto' uses), then plain square matmuls.
  log('\n== matmul variants (Node/Dawn) ==');
  tuned = await autotuneMatmul(gpu);
  log(formatTune(tuned));
  const algorithm: MatmulAlgorithm = tuned.winner;
  log(await settleAutoStepKernel(gpu, TINY_SIZES[1]!, algorithm));
  for (const a of MATMUL_ALGORITHMS) {
    // Shared-memory tiling runs ~0.1 GFLOP/s on SwiftShader: its larger sizes would take minutes.
    const sizes = quick ? [256] : a === 'tiled' ? [256, 512] : [512, 1024];
    matmulRows.push(...(await benchMatmul(gpu, sizes, log, { algorithms: [a], referenceMaxSize: 0, targetSubmitMs: quick ? 200 : 500, submits: 2 })));
  }

  // 2. Training step in Node: GradFlow against its reference, interleaved; the step's products alone.
  log(`\n== training step, Node/Dawn (GradFlow ${algorithm} vs float64 reference, interleaved) [${elapsed()}] ==`);
  const previous = new Map<string, number>();
  for (const s of SIZES) {
    const rows = await interleave(s, nodeContenders(gpu, s, algorithm), { budgetMs: quick ? 5_000 : 60_000, alwaysRun: ['gradflow-gpu'], roundMs: ROUND_MS, previousMs: previous });
    rows.forEach((r) => previous.set(r.backend, r.msPerStep ?? r.probeMs ?? Infinity));
    nodeRows.push(...rows);
    const products = await stepProductsGflops(gpu, s, algorithm);
    productRows.push({ size: s, gflops: products });
    log(formatStepTable(rows, 'gradflow-gpu'));
    log(`   the step's two products alone (plain ${algorithm} matmuls, 4nmd FLOP): ${products.toFixed(3)} GFLOP/s`);
  }
  log(`\n== tiny nets, Node/Dawn: steps/s, interleaved [${elapsed()}] ==`);
  nodeTinyRows = await benchTinyNets(gpu, algorithm, TINY_ROUND_MS, log);

  readbacks = await trainingReadbacks(gpu, SIZES[0]!, algorithm);
  log(`read-backs during 3 x train(16): ${readbacks.length} mapAsync, on ${[...new Set(readbacks)].join(', ') || 'nothing'}`);

  // 3. Science.
  log(`\n== cost of the science (Node/Dawn) [${elapsed()}] ==`);
  const sinkhornArg = args.indexOf('--sinkhorn-budget-s');
  const sinkhornBudgetMs = sinkhornArg >= 0 ? 1000 * Number(args[sinkhornArg + 1]) : undefined;
  if (sinkhornBudgetMs !== undefined && !(sinkhornBudgetMs > 0)) throw new Error(`--sinkhorn-budget-s needs a positive number of seconds, got '${args[sinkhornArg + 1]}'`);
  if (!args.includes('--no-science')) science = await benchScience(gpu, algorithm, quick, log, sinkhornBudgetMs);

  // 4. Scaling and memory (GradFlow, Node).
  log(`\n== scaling (GradFlow GPU step, Node/Dawn) [${elapsed()}] ==`);
  for (const [axis, sweep, pick] of [
    ['m', SWEEP, (s: StepSize) => s.width],
    ['n', N_SWEEP, (s: StepSize) => s.sampleCount],
    ['d', D_SWEEP, (s: StepSize) => s.inputDim],
  ] as const) {
    const points: { x: number; msPerStep: number }[] = [];
    for (const s of sweep) {
      const row = await memoryAt(gpu, s, algorithm, ROUND_MS);
      memory.push(row);
      points.push({ x: pick(s), msPerStep: row.msPerStep });
    }
    // Past fixed overheads: the slope over the upper half of the sweep (at least two points).
    const upper = points.slice(Math.min(points.length - 2, Math.floor(points.length / 2)));
    const slope = logLogSlope(upper.map((p) => p.x), upper.map((p) => p.msPerStep));
    scaling[axis] = { points, slope };
    log(`${axis}: ${points.map((p) => `${p.x}: ${p.msPerStep.toFixed(1)} ms`).join(', ')}  -> log-log slope ${slope.toFixed(2)} (upper half)`);
  }
  for (const r of memory) {
    log(`memory (m, n, d) = (${r.width}, ${r.sampleCount}, ${r.inputDim}): peak ${(r.peakBytes / 2 ** 20).toFixed(1)} MiB vs minimum ${(r.minimumBytes / 2 ** 20).toFixed(1)} MiB (${(r.peakBytes / r.minimumBytes).toFixed(2)}x)`);
  }

  // 4b. Run sets: a sweep as one set against its members one after another.
  if (runSets) {
    log(`\n== run sets (Node/Dawn) [${elapsed()}] ==`);
    for (const spec of RUN_SET_BENCHES) nodeRunSetRows.push(await benchRunSet(gpu, spec, { matmul: algorithm }));
    log(formatRunSetRows('Node/Dawn', nodeRunSetRows).join('\n'));
  }

}

// 5. Browser: GradFlow vs TF.js WebGPU / wasm vs reference, interleaved in one page.
let browserInfo: unknown;
let browserTune: unknown;
const browserRows: InterleavedRow[] = [];
const browserTinyRows: InterleavedRow[] = [];
if (!args.includes('--no-browser')) {
  log(`\n== training step, headless Chromium (interleaved in one page) [${elapsed()}] ==`);
  const bench = await startBrowserBench(log);
  try {
    const info = await bench.info();
    browserInfo = info;
    log(`adapter: ${info.adapter}; TF.js ${info.tfjs}, wasm ${info.wasm}; cross-origin isolated: ${info.crossOriginIsolated}`);
    const t = await bench.tune();
    browserTune = t;
    log(formatTune(t));
    log(t.autoStepKernel);
    const backends = ['gradflow-gpu', 'tfjs-webgpu', 'tfjs-wasm', 'reference-f64'];
    for (const [label, sweep] of [['sizes', SIZES], ['width sweep, (n, d) = (512, 32)', chosenSizes ? [] : SWEEP]] as const) {
      if (sweep.length === 0) continue;
      log(`-- ${label} --`);
      await bench.resetSizes();
      for (const s of sweep) {
        const rows = await bench.runSize(s, { budgetMs: PEER_BUDGET_MS, roundMs: ROUND_MS }, backends);
        browserRows.push(...rows);
        log(formatStepTable(rows, 'gradflow-gpu'));
      }
    }
    browserTinyRows.push(...(await browserTinyNets(bench, TINY_ROUND_MS, log)));
    if (runSets) {
      log(`-- run sets --`);
      browserRunSetRows = await bench.runSets(RUN_SET_BENCHES, 2);
      log(formatRunSetRows('Chromium', browserRunSetRows).join('\n'));
    }
  } finally {
    await bench.close();
  }
}

// 6. The particle view (the lead's bench/ui.ts).
let ui: UiBenchRow[] = [];
if (!args.includes('--no-ui')) {
  log(`\n== particle view (headless Chromium, d = 2) [${elapsed()}] ==`);
  ui = await benchUi(log, quick ? [10_000] : [10_000, 100_000]);
}

// Targets.
log(`\n== targets [${elapsed()}] ==`);
const bestMatmulGflops = Math.max(0, ...matmulRows.filter((r) => r.algorithm !== 'reference-f64').map((r) => r.gflops));
const targets: Target[] = judgeTargets({ browserRows, nodeRows, productRows, readbacks, bestMatmulGflops, viewReadbacks: ui.map((row) => ({ labels: row.viewReadbacks, seconds: row.seconds, views: row.views === 'app' ? 2 : 1 })) });
if (nodeRunSetRows.length > 0) targets.push(...runSetTargets('Node/Dawn', nodeRunSetRows));
if (browserRunSetRows.length > 0) targets.push(...runSetTargets('Chromium', browserRunSetRows));
const browserAdapter = (browserInfo as { adapter?: string } | undefined)?.adapter;
targets.push(
  ...judgeStepTargets({
    browserRows,
    nodeRows,
    tinyRows: [
      ...(nodeTinyRows.length ? [{ runtime: 'Node/Dawn', rows: nodeTinyRows }] : []),
      ...(browserTinyRows.length ? [{ runtime: 'Chromium', rows: browserTinyRows }] : []),
    ],
    ...(browserAdapter ? { adapters: { node: gpu.adapterDescription, browser: browserAdapter } } : {}),
  }),
);
for (const t of targets) log(formatTarget(t));

mkdirSync('bench/results', { recursive: true });
const result = {
  date: new Date().toISOString(), quick, node: { runtime: gpu.runtime, adapter: gpu.adapterDescription, autotune: tuned },
  browser: { info: browserInfo, autotune: browserTune }, matmul: matmulRows, nodeSteps: nodeRows, stepProducts: productRows,
  browserSteps: browserRows, tinyNets: { node: nodeTinyRows, browser: browserTinyRows }, science, scaling, memory, ui, runSets: { node: nodeRunSetRows, browser: browserRunSetRows }, readbacks, targets, stepFlops: 'FLOP per step counted as 6 m n d', seconds: (performance.now() - started) / 1000,
};
writeFileSync('bench/results/bench.json', `${JSON.stringify(result, null, 2)}\n`);
log(`\nwrote bench/results/bench.json (${elapsed()})`);
process.exit(0);
