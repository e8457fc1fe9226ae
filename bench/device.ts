/**
 * `npm run bench -- --device [--quick] [--browser]`: the bench for a machine with a real GPU, sized to finish
 * well under 8 minutes there (Node/Dawn takes the hardware adapter whenever one exists; this mode never asks
 * for the fallback one, so on a machine without a GPU it runs on SwiftShader and says so).
 *   1. The adapter's fp32 peak: an FMA-bound microkernel (bench/fma-peak.ts), and the vendor's spec-sheet
 *      number when the adapter names a known GPU (bench/spec-peaks.ts).
 *   2. GradFlow's step at each size (stepKernel 'auto', plus 'unfused' and 'multi-step' where the step is small
 *      enough for the multi-step kernel to be a candidate), interleaved per size: ms/step, steps/s, GFLOP/s and
 *      its share of both peaks. A size whose step would take over STEP_BUDGET_MS (predicted from the previous
 *      size's GFLOP/s) or whose n x m activation exceeds a storage binding is skipped, with the reason.
 *   3. Tiny nets: steps/s unfused against multi-step and 'auto' (bench/tiny-nets.ts).
 *   4. With --browser only (a headless server's Chromium may have no GPU-backed WebGPU): the page's step at the
 *      target sizes against TF.js WebGPU and wasm, and its tiny nets.
 * Then issue 17's target verdicts that this run can judge. Writes bench/results/device.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestGpu, type GpuContext } from '../src/gpu/device';
import { autotuneMatmul } from '../src/kernels/matmul-autotune';
import type { MatmulAlgorithm } from '../src/core/matmul-algorithms';
import { measureFmaPeak, type FmaPeak } from './fma-peak';
import { specPeak } from './spec-peaks';
import { interleave, type Contender, type InterleavedRow } from './interleave';
import { gradflowContender, settleAutoStepKernel } from './gradflow-contender';
import { benchTinyNets, TINY_SIZES } from './tiny-nets';
import { stepFlops, type StepSize } from './training-step';
import { formatStepTable, formatTarget, formatTune, judgeStepTargets, NODE_VS_CHROMIUM_SIZE, WASM_TARGET_SIZES } from './report';
import { browserTinyNets, startBrowserBench } from './browser/run';

const size = (width: number, sampleCount: number, inputDim: number): StepSize => ({ width, sampleCount, inputDim });

/** From the small steps of the targets up to a step of 100 GFLOP (1 GiB per n x m float32 buffer). */
const FULL_SIZES = [size(256, 256, 16), size(256, 512, 32), size(1024, 1024, 32), size(4096, 2048, 64), size(16384, 4096, 64), size(32768, 8192, 64)];
const QUICK_SIZES = [size(256, 256, 16), size(256, 512, 32), size(1024, 1024, 32), size(4096, 2048, 64)];
/** Sizes where 'unfused' and 'multi-step' run beside 'auto': up to twice the multi-step kernel's 'auto' limit. */
const BOTH_KERNELS_MAX_MND = 256 * 512 * 32;

export interface DeviceBenchOptions {
  readonly quick: boolean;
  readonly browser: boolean;
  readonly log: (line: string) => void;
}

export async function runDeviceBench({ quick, browser, log }: DeviceBenchOptions): Promise<void> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const gpu = await requestGpu();
  log(
    `GradFlow device bench (--device${quick ? ' --quick' : ''}): Node/Dawn${browser ? ' and the Chromium page (--browser)' : ' only; the Chromium page needs a GPU-backed Chromium, which a headless server may lack: add --browser to run it'}` +
      ` — Node ${process.version}, adapter ${gpu.adapterDescription}${gpu.isFallbackAdapter ? ' (no hardware adapter: the software fallback, CPU numbers)' : ''}`,
  );
  const stepBudgetMs = quick ? 1_000 : 2_000;
  const roundMs = quick ? 300 : 800;

  log(`\n== fp32 peak [${elapsed()}] ==`);
  const fma = await measureFmaPeak(gpu);
  const spec = specPeak(gpu.adapterDescription);
  log(`FMA microkernel (vec4 fma chains, ${fma.workgroups} workgroups of 256, best of ${fma.repeats.length}): ${fma.gflops.toFixed(1)} GFLOP/s (${fma.msPerDispatch.toFixed(1)} ms per dispatch; repeats ${fma.repeats.map((g) => g.toFixed(0)).join(', ')})`);
  log(spec ? `spec sheet: ${spec.name}, ${spec.tflops} TFLOP/s fp32 (the vendor's number, boost clock)` : 'spec sheet: adapter not in the table (bench/spec-peaks.ts)');

  log(`\n== kernels [${elapsed()}] ==`);
  const tuned = await autotuneMatmul(gpu);
  log(formatTune(tuned));
  const algorithm: MatmulAlgorithm = tuned.winner;
  log(await settleAutoStepKernel(gpu, TINY_SIZES[1]!, algorithm));

  log(`\n== training step, Node/Dawn (interleaved per size; FLOP per step 6 m n d) [${elapsed()}] ==`);
  const nodeRows = await stepTable(gpu, quick ? QUICK_SIZES : FULL_SIZES, algorithm, { roundMs, stepBudgetMs }, fma, spec?.tflops, log);

  log(`\n== tiny nets, Node/Dawn: steps/s, interleaved [${elapsed()}] ==`);
  const nodeTiny = await benchTinyNets(gpu, algorithm, roundMs, log);

  const browserRows: InterleavedRow[] = [];
  let browserTiny: InterleavedRow[] = [];
  let browserAdapter: string | undefined;
  if (browser) {
    log(`\n== headless Chromium page [${elapsed()}] ==`);
    const bench = await startBrowserBench(log);
    try {
      const info = await bench.info();
      browserAdapter = info.adapter;
      log(`adapter: ${info.adapter}; TF.js ${info.tfjs}, wasm ${info.wasm}; cross-origin isolated: ${info.crossOriginIsolated}`);
      const t = await bench.tune();
      log(formatTune(t));
      log(t.autoStepKernel);
      await bench.resetSizes();
      for (const s of [...WASM_TARGET_SIZES, NODE_VS_CHROMIUM_SIZE]) {
        const rows = await bench.runSize(s, { budgetMs: quick ? 3_000 : 10_000, roundMs }, ['gradflow-gpu', 'tfjs-webgpu', 'tfjs-wasm']);
        browserRows.push(...rows);
        log(formatStepTable(rows, 'gradflow-gpu'));
      }
      browserTiny = await browserTinyNets(bench, roundMs, log);
    } finally {
      await bench.close();
    }
  }

  log(`\n== targets (issue 17) [${elapsed()}] ==`);
  const targets = judgeStepTargets({
    browserRows,
    nodeRows,
    tinyRows: [{ runtime: 'Node/Dawn', rows: nodeTiny }, ...(browser ? [{ runtime: 'Chromium', rows: browserTiny }] : [])],
    ...(browserAdapter ? { adapters: { node: gpu.adapterDescription, browser: browserAdapter } } : {}),
  });
  for (const t of targets) log(formatTarget(t));

  mkdirSync('bench/results', { recursive: true });
  const seconds = (performance.now() - started) / 1000;
  const result = { date: new Date().toISOString(), quick, adapter: gpu.adapterDescription, fallback: gpu.isFallbackAdapter, fma, spec, autotune: tuned, nodeSteps: nodeRows, nodeTiny, browserAdapter, browserSteps: browserRows, browserTiny, targets, stepFlops: 'FLOP per step counted as 6 m n d', seconds };
  writeFileSync('bench/results/device.json', `${JSON.stringify(result, null, 2)}\n`);
  log(`\nwrote bench/results/device.json (${elapsed()})`);
}

const sizeText = (s: StepSize) => `(${s.width}, ${s.sampleCount}, ${s.inputDim})`;

/** One interleave per size; prints and returns its rows (GradFlow 'auto' as 'gradflow-gpu'). */
async function stepTable(
  gpu: GpuContext,
  sizes: readonly StepSize[],
  algorithm: MatmulAlgorithm,
  { roundMs, stepBudgetMs }: { roundMs: number; stepBudgetMs: number },
  fma: FmaPeak,
  specTflops: number | undefined,
  log: (line: string) => void,
): Promise<InterleavedRow[]> {
  log(`${'(m, n, d)'.padEnd(20)} ${'backend'.padEnd(20)} ${'ms/step'.padStart(10)} ${'steps/s'.padStart(10)} ${'GFLOP/s'.padStart(10)} ${'% FMA peak'.padStart(11)} ${'% spec'.padStart(8)}  kernel`);
  const rows: InterleavedRow[] = [];
  let lastGflops: number | undefined;
  const maxBinding = gpu.device.limits.maxStorageBufferBindingSize;
  for (const s of sizes) {
    const predictedMs = lastGflops ? stepFlops(s) / (lastGflops * 1e6) : undefined;
    const activationBytes = 4 * s.width * s.sampleCount;
    if (predictedMs !== undefined && predictedMs > stepBudgetMs) {
      log(`${sizeText(s).padEnd(20)} skipped: about ${predictedMs.toFixed(0)} ms/step at the previous size's GFLOP/s, over the ${stepBudgetMs} ms budget`);
      continue;
    }
    if (activationBytes > maxBinding) {
      log(`${sizeText(s).padEnd(20)} skipped: its n x m activation (${(activationBytes / 2 ** 20).toFixed(0)} MiB) exceeds maxStorageBufferBindingSize (${(maxBinding / 2 ** 20).toFixed(0)} MiB)`);
      continue;
    }
    const both = s.width * s.sampleCount * s.inputDim <= BOTH_KERNELS_MAX_MND;
    const contenders: Contender[] = [
      gradflowContender(gpu, s, { matmulAlgorithm: algorithm, stepKernel: 'auto' }),
      ...(both ? (['unfused', 'multi-step'] as const).map((k) => gradflowContender(gpu, s, { name: `gradflow-${k}`, matmulAlgorithm: algorithm, stepKernel: k })) : []),
    ];
    // A whole submit (64 steps) probes a step the previous size predicts short; one step probes a long one.
    const probeSteps = Math.max(1, Math.min(64, Math.round(50 / (predictedMs ?? 1))));
    try {
      const sizeRows = await interleave(s, contenders, { rounds: 3, roundMs, maxStepsPerRound: 16_384, probeSteps, alwaysRun: contenders.map((c) => c.name) });
      rows.push(...sizeRows);
      for (const r of sizeRows) log(formatDeviceRow(r, fma.gflops, specTflops));
      lastGflops = sizeRows[0]?.gflops ?? lastGflops;
    } catch (error) {
      // One size failing on an unfamiliar device (memory, a limit) must not cost the sizes after it.
      log(`${sizeText(s).padEnd(20)} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return rows;
}

export function formatDeviceRow(r: InterleavedRow, fmaGflops: number, specTflops: number | undefined): string {
  const head = `${sizeText(r).padEnd(20)} ${r.backend.padEnd(20)}`;
  if (!r.msPerStep) return `${head} skipped: ${r.skipped ?? 'not run'}`;
  const share = (peak: number | undefined) => (peak ? `${((100 * r.gflops!) / peak).toFixed(2)}%` : 'n/a');
  return `${head} ${r.msPerStep.toFixed(3).padStart(10)} ${Math.round(1000 / r.msPerStep).toLocaleString('en-US').padStart(10)} ${r.gflops!.toFixed(1).padStart(10)} ${share(fmaGflops).padStart(11)} ${share(specTflops && specTflops * 1000).padStart(8)}  ${r.kernel ?? ''}`;
}
