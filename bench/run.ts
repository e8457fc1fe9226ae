/**
 * npm run bench: GradFlow's GPU kernels against its float64 reference, side by side in one run.
 * Prints a table and writes bench/results/bench.json. Warm-up (compilation) is excluded and reported.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestGpu } from '../src/gpu/device';
import { benchMatmul } from './matmul';
import { benchGpuStep, benchReferenceStep, stepFlops, type StepBenchRow, type StepSize } from './training-step';

const MATMUL_SIZES = [256, 512, 1024, 2048];
const STEP_SIZES: StepSize[] = [
  { width: 1024, sampleCount: 1024, inputDim: 32 },
  { width: 4096, sampleCount: 2048, inputDim: 64 },
  { width: 16384, sampleCount: 4096, inputDim: 64 },
];
/** The float64 reference runs one step only where its predicted time stays below this. */
const REFERENCE_BUDGET_MS = 90_000;

const quick = process.argv.includes('--quick');
const log = (line: string) => console.log(line);

const gpu = await requestGpu();
log(`GradFlow bench — ${gpu.runtime}, adapter: ${gpu.adapterDescription}${quick ? ' (quick)' : ''}`);
log('');

const matmulSizes = quick ? [256] : MATMUL_SIZES;
// Shared-memory tiling runs at ~0.1 GFLOP/s on SwiftShader (emulated barriers): 2048^3 would take over ten minutes.
const TILED_MAX_SIZE = 1024;
const matmulRows = [
  ...(await benchMatmul(gpu, matmulSizes, log, { algorithms: ['register'], referenceMaxSize: quick ? 256 : 512 })),
  ...(await benchMatmul(gpu, matmulSizes.filter((size) => size <= TILED_MAX_SIZE), log, { algorithms: ['tiled'], referenceMaxSize: 0 })),
];
log(`matmul tiled skipped above ${TILED_MAX_SIZE}^3 (over the bench's time budget on a software GPU)`);
log('');

const stepRows: StepBenchRow[] = [];
let referenceGflops = 0;
for (const size of quick ? STEP_SIZES.slice(0, 1) : STEP_SIZES) {
  const label = `step (m, n, d) = (${size.width}, ${size.sampleCount}, ${size.inputDim})`;
  const gpuRow = await benchGpuStep(gpu, size);
  stepRows.push(gpuRow);
  log(`${label}  ${gpuRow.backend.padEnd(13)} ${gpuRow.msPerStep.toFixed(1).padStart(9)} ms  ${gpuRow.gflops.toFixed(3).padStart(7)} GFLOP/s  (warm-up ${gpuRow.warmUpMs!.toFixed(0)} ms, ${gpuRow.stepsTimed} steps in one submit)`);
  const predictedMs = referenceGflops > 0 ? stepFlops(size) / (referenceGflops * 1e6) : 0;
  if (predictedMs > REFERENCE_BUDGET_MS) {
    log(`${label}  reference-f64 skipped: predicted ${(predictedMs / 1000).toFixed(0)} s at ${referenceGflops.toFixed(2)} GFLOP/s, over the ${REFERENCE_BUDGET_MS / 1000} s budget`);
    continue;
  }
  const referenceRow = benchReferenceStep(size);
  referenceGflops = referenceRow.gflops;
  stepRows.push(referenceRow);
  log(`${label}  ${referenceRow.backend.padEnd(13)} ${referenceRow.msPerStep.toFixed(1).padStart(9)} ms  ${referenceRow.gflops.toFixed(3).padStart(7)} GFLOP/s  (1 step)  GPU speed-up ${(referenceRow.msPerStep / gpuRow.msPerStep).toFixed(1)}x`);
}

mkdirSync('bench/results', { recursive: true });
const result = { date: new Date().toISOString(), runtime: gpu.runtime, adapter: gpu.adapterDescription, matmul: matmulRows, trainingStep: stepRows };
writeFileSync('bench/results/bench.json', `${JSON.stringify(result, null, 2)}\n`);
log('\nwrote bench/results/bench.json');
process.exit(0);
