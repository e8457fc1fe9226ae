/**
 * Tiny nets (issue 17: m <= 64, n <= 256, d <= 8), where a step is a few dispatches' fixed cost: GradFlow's
 * steps/s with today's step (stepKernel 'unfused'), the multi-step kernel, and whatever 'auto' picks, as three
 * contenders interleaved in one process (Node, or the bench page), so their ratios share the machine's load.
 */
import type { GpuContext } from '../src/gpu/device';
import type { MatmulSetting } from '../src/core/matmul-algorithms';
import { interleave, type InterleavedRow, type InterleaveOptions } from './interleave';
import { formatTinyLine, TINY_KERNELS, tinyBackend } from './tiny-net-rows';
import { gradflowContender } from './gradflow-contender';
import type { StepSize } from './training-step';

export const TINY_SIZES: readonly StepSize[] = [
  { width: 16, sampleCount: 32, inputDim: 2 },
  { width: 32, sampleCount: 64, inputDim: 2 },
  { width: 64, sampleCount: 256, inputDim: 8 },
];

/**
 * Rounds of about roundMs each, sized by a probe of one whole submit (64 steps): a tiny step's single-step probe
 * would be mostly its submit's and read-back's fixed cost.
 */
export function tinyInterleaveOptions(roundMs: number): InterleaveOptions {
  return { rounds: 3, roundMs, maxStepsPerRound: 16_384, probeSteps: 64, alwaysRun: TINY_KERNELS.map(tinyBackend) };
}

/** The three contenders at each tiny size, interleaved; `log` gets one line per size. */
export async function benchTinyNets(gpu: GpuContext, matmulAlgorithm: MatmulSetting, roundMs: number, log: (line: string) => void, sizes: readonly StepSize[] = TINY_SIZES): Promise<InterleavedRow[]> {
  const rows: InterleavedRow[] = [];
  for (const size of sizes) {
    const contenders = TINY_KERNELS.map((stepKernel) => gradflowContender(gpu, size, { name: tinyBackend(stepKernel), matmulAlgorithm, stepKernel }));
    const sizeRows = await interleave(size, contenders, tinyInterleaveOptions(roundMs));
    rows.push(...sizeRows);
    log(formatTinyLine(sizeRows));
  }
  return rows;
}
