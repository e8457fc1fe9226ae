/**
 * The bench page: GradFlow's GPU step, its float64 reference, TF.js WebGPU and TF.js wasm on the
 * same data and initial weights, interleaved in this one page (bench/interleave.ts). Driven by
 * bench/browser/run.ts through window.gradflowBench.
 */
import { requestGpu, type GpuContext } from '../../src/gpu/device';
import { autotuneMatmul } from '../../src/kernels/matmul-autotune';
import type { MatmulAlgorithm } from '../../src/core/matmul-algorithms';
import { Float64Trainer } from '../../src/float64/two-layer-trainer';
import { interleave, type Contender, type InterleavedRow, type InterleaveOptions } from '../interleave';
import { benchProblem, type StepSize } from '../training-step';
import { createTfModel, tfVersion, wasmFlavour } from './peers';
import { benchRunSet, type RunSetBenchRow, type RunSetBenchSpec } from '../run-set';
import { gradflowContender, settleAutoStepKernel } from '../gradflow-contender';
import { benchTinyNets, TINY_SIZES } from '../tiny-nets';

let gpu: GpuContext | undefined;
let algorithm: MatmulAlgorithm = 'register';
const previousMs = new Map<string, number>();


async function info() {
  gpu ??= await requestGpu();
  return { adapter: gpu.adapterDescription, tfjs: tfVersion(), wasm: await wasmFlavour(), userAgent: navigator.userAgent, crossOriginIsolated };
}

/** The matmul variant's autotune, then stepKernel 'auto' settled (bench/gradflow-contender.ts) before anything is timed. */
async function tune() {
  gpu ??= await requestGpu();
  const result = await autotuneMatmul(gpu);
  algorithm = result.winner;
  const autoStepKernel = await settleAutoStepKernel(gpu, TINY_SIZES[1]!, algorithm);
  return { ...result, autoStepKernel };
}

/** A new sweep starts over at a small size: forget the previous sizes' step times. */
function resetSizes(): void {
  previousMs.clear();
}

async function runSize(size: StepSize, options: Omit<InterleaveOptions, 'previousMs' | 'alwaysRun'>, backends: readonly string[]): Promise<InterleavedRow[]> {
  gpu ??= await requestGpu();
  const g = gpu;
  const { config, init, data } = benchProblem(size);
  const tfData = { X: data.X, y: data.y, W: init.W, a: init.a };
  const all: Contender[] = [
    // stepKernel 'auto': what a user's run in this browser gets; its row names the kernel it ran.
    gradflowContender(g, size, { matmulAlgorithm: algorithm, stepKernel: 'auto' }),
    { name: 'tfjs-webgpu', create: () => createTfModel('webgpu', size, tfData, config.learningRate) },
    { name: 'tfjs-wasm', create: () => createTfModel('wasm', size, tfData, config.learningRate) },
    {
      name: 'reference-f64',
      create: async () => {
        const trainer = new Float64Trainer(config, init, data);
        return { train: async (k: number) => trainer.train(k), dispose: () => undefined };
      },
    },
  ];
  const rows = await interleave(size, all.filter((c) => backends.includes(c.name)), { ...options, previousMs, alwaysRun: ['gradflow-gpu'] });
  for (const row of rows) previousMs.set(row.backend, row.msPerStep ?? row.probeMs ?? Infinity);
  return rows;
}

/** One tiny net's steps/s: GradFlow unfused, multi-step and 'auto', interleaved (bench/tiny-nets.ts). */
async function runTinyNet(size: StepSize, roundMs: number): Promise<InterleavedRow[]> {
  gpu ??= await requestGpu();
  return benchTinyNets(gpu, algorithm, roundMs, () => undefined, [size]);
}

/** Issue 13's run-set benches in this page (the same module Node runs). */
async function runSets(specs: readonly RunSetBenchSpec[], rounds: number): Promise<RunSetBenchRow[]> {
  gpu ??= await requestGpu();
  const rows: RunSetBenchRow[] = [];
  for (const spec of specs) rows.push(await benchRunSet(gpu, spec, { rounds, matmul: algorithm }));
  return rows;
}

declare global {
  interface Window {
    gradflowBench: { info: typeof info; tune: typeof tune; runSize: typeof runSize; runTinyNet: typeof runTinyNet; resetSizes: typeof resetSizes; runSets: typeof runSets };
  }
}
window.gradflowBench = { info, tune, runSize, runTinyNet, resetSizes, runSets };
