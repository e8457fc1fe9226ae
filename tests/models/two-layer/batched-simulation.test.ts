/**
 * A lane of a run set (BatchedGpuSimulation) against each member run alone (GpuSimulation): every member's
 * step losses, metric rows, checkpoints and rate changes bitwise equal to its single run.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { buildProblem, type Problem } from '../../../src/models/two-layer/problem';
import { metricNamesOf } from '../../../src/metrics/registry';
import { BatchedGpuSimulation } from '../../../src/models/two-layer/batched-simulation';
import { GpuSimulation } from '../../../src/models/two-layer/gpu-simulation';
import { networkLossCurve } from '../../../src/core/batched-network';
import { InvalidLearningRateError } from '../../../src/core/update-settings';
import type { MetricValues } from '../../../src/core/simulation';
import type { GpuContext } from '../../../src/gpu/device';
import { onGpu } from '../../helpers/gpu';

/** Every two-layer metric (w2ToTarget against a 3-point cloud in R^4, Lanczos capped to keep SwiftShader quick). */
const METRICS = metricNamesOf('two-layer');
const W2_TARGET = { target: { kind: 'points', points: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, -1, 0.5]] } };

/** What a member sets for itself; the lane shares the rest. */
interface Member {
  readonly seed: number;
  readonly width: number;
  readonly learningRate: number;
  readonly model?: object;
}

/** Members of awkward widths (1, 3, 37 = no multiple of the matmul tile, 70 wider than the rest) and settings. */
const MEMBERS: readonly Member[] = [
  { seed: 1, width: 1, learningRate: 0.05 },
  { seed: 2, width: 3, learningRate: 0.1, model: { scaling: 'ntk', alpha: 2 } },
  { seed: 3, width: 37, learningRate: 0.02, model: { trainable: 'second' } },
  { seed: 4, width: 70, learningRate: 0.2, model: { scaling: 'ntk', trainable: 'first', init: { aStd: 0.5, wScale: 0.7 } } },
  { seed: 5, width: 37, learningRate: 0.03, model: { scaling: 'standard', alpha: 0.5 } },
];

const SQUARE: ExperimentConfigInput = {
  loss: 'square',
  data: { kind: 'teacher-student', seed: 11, sampleCount: 24, inputDim: 4, testCount: 8, teacher: { kind: 'random', width: 2 } },
};
const LOGISTIC_WITH_BIAS: ExperimentConfigInput = {
  loss: 'logistic',
  model: { bias: true },
  data: { kind: 'linear-separable', seed: 12, sampleCount: 20, inputDim: 4, testCount: 6, margin: 0.1 },
};

function problemOf(shared: ExperimentConfigInput, member: Member): Promise<Problem> {
  return buildProblem(parseConfig({
    ...shared,
    seed: member.seed,
    stepsPerSubmit: 8,
    kernels: { matmul: 'register' },
    model: { ...(shared.model as object), ...member.model, width: member.width },
    optimizer: { learningRate: member.learningRate },
    metrics: { names: METRICS, w2: W2_TARGET, lanczos: { maxIterations: 12 } },
  } as ExperimentConfigInput));
}

/** The lane and one solo run per member, created on the same device. */
async function laneAndSolos(gpu: GpuContext, problems: readonly Problem[], names: readonly string[]) {
  const lane = await BatchedGpuSimulation.create(gpu, problems, names);
  const solos: GpuSimulation[] = [];
  for (const problem of problems) solos.push(await GpuSimulation.create(gpu, problem, names));
  return { lane, solos, destroy: () => [lane, ...solos].forEach((simulation) => simulation.destroy()) };
}

/** Column k of the lane's [steps x N] losses against member k's solo losses, bit for bit. */
function expectSameLosses(lane: ArrayLike<number>, solos: readonly ArrayLike<number>[], what: string): void {
  const N = solos.length;
  expect(lane.length).toBe(solos[0]!.length * N);
  solos.forEach((solo, k) => expect(Array.from(networkLossCurve(Float32Array.from(lane), N, k)), `${what}, member ${k}`).toEqual(Array.from(solo)));
}

async function soloRows(solos: readonly GpuSimulation[], names: readonly string[]): Promise<MetricValues[]> {
  const rows: MetricValues[] = [];
  for (const solo of solos) rows.push(...(await solo.evaluate(names)));
  return rows;
}

describe('a lane of a run set against each member run alone', () => {
  it.each([
    ['square loss, no bias', SQUARE],
    ['logistic loss, bias', LOGISTIC_WITH_BIAS],
  ])('%s: step losses over chunks (two in flight), every metric, and a rate change match bit for bit', async (_name, shared) => {
    const problems = await Promise.all(MEMBERS.map((member) => problemOf(shared, member)));
    await onGpu('lane against solos', async (gpu) => {
      const { lane, solos, destroy } = await laneAndSolos(gpu, problems, METRICS);
      try {
        expect(lane.memberCount).toBe(MEMBERS.length);
        expect(lane.reportsStepLoss).toBe(true);
        const initial = await lane.evaluate(METRICS);
        expect(initial).toEqual(await soloRows(solos, METRICS));

        // Two chunks queued before either settles.
        const laneChunks = await Promise.all([lane.submitSteps(5), lane.submitSteps(7)]);
        const soloChunks = await Promise.all(solos.map((solo) => Promise.all([solo.submitSteps(5), solo.submitSteps(7)])));
        for (const c of [0, 1]) expectSameLosses(laneChunks[c]!, soloChunks.map((chunks) => chunks[c]!), `chunk ${c}`);
        expect(lane.stepsTaken).toBe(12);
        const rows = await lane.evaluate(METRICS);
        expect(rows).toEqual(await soloRows(solos, METRICS));
        // Every member trains, and its row carries real values (the test set, curvature and particle metrics included).
        rows.forEach((row, k) => {
          expect(row.loss, `member ${k}`).toBeLessThan(initial[k]!.loss!);
          for (const name of ['testLoss', 'gradNorm', 'distanceFromInitMax', 'sharpness', 'hessianTrace', 'w2ToTarget']) expect(row[name], `${name} of member ${k}`).toBeGreaterThan(0);
        });

        // Member 0's rate doubles; the others keep their configured ratios to it.
        lane.setLearningRate(2 * MEMBERS[0]!.learningRate);
        MEMBERS.forEach((member, k) => expect(lane.learningRates[k]).toBeCloseTo(2 * member.learningRate, 12));
        expect(lane.learningRate).toBe(2 * MEMBERS[0]!.learningRate);
        solos.forEach((solo, k) => solo.setLearningRate(lane.learningRates[k]!));
        const after = await lane.submitSteps(6);
        expectSameLosses(after, await Promise.all(solos.map((solo) => solo.submitSteps(6))), 'after the rate change');
        expect(await lane.evaluate(METRICS)).toEqual(await soloRows(solos, METRICS));
        const soloWeights = await Promise.all(solos.map((solo) => solo.readWeights()));
        expect(await lane.readWeights()).toEqual(soloWeights);
      } finally {
        destroy();
      }
    });
  });

  it('members training only the second layer at d = 2 (no first-layer gradient in either run) match too', async () => {
    // A test set because problemOf asks for every metric, testLoss among them (refused without one).
    const shared: ExperimentConfigInput = { loss: 'square', model: { trainable: 'second', bias: true }, data: { kind: 'teacher-student', seed: 3, sampleCount: 16, testCount: 4, inputDim: 2 } };
    const problems = await Promise.all([{ seed: 1, width: 5, learningRate: 0.1 }, { seed: 2, width: 33, learningRate: 0.3, model: { scaling: 'ntk' } }].map((member) => problemOf(shared, member)));
    await onGpu('second layer at d = 2', async (gpu) => {
      const { lane, solos, destroy } = await laneAndSolos(gpu, problems, ['loss', 'gradNorm']);
      try {
        expectSameLosses(await lane.submitSteps(8), await Promise.all(solos.map((solo) => solo.submitSteps(8))), 'losses');
        expect(await lane.evaluate(['loss', 'gradNorm'])).toEqual(await soloRows(solos, ['loss', 'gradNorm']));
      } finally {
        destroy();
      }
    });
  });

  it('restores a checkpoint and continues bit for bit, rates included', async () => {
    const names = ['loss', 'gradNorm', 'distanceFromInitMax', 'kernelChange'];
    const problems = await Promise.all(MEMBERS.slice(0, 3).map((member) => problemOf(SQUARE, member)));
    await onGpu('lane checkpoint', async (gpu) => {
      const first = await BatchedGpuSimulation.create(gpu, problems, names);
      const second = await BatchedGpuSimulation.create(gpu, problems, names);
      try {
        await first.submitSteps(4);
        first.setLearningRate(0.08);
        await first.submitSteps(5);
        const checkpoint = await first.checkpoint();
        expect(checkpoint).toMatchObject({ backend: 'gpu', stepsTaken: 9, learningRate: 0.08, optimizerState: [] });
        expect(checkpoint.weights.map((weights) => weights.a.length)).toEqual([1, 3, 37]);
        const continued = await first.submitSteps(7);
        const rows = await first.evaluate(names);

        await second.submitSteps(3); // another state, replaced by the restore
        await second.restore(checkpoint);
        expect(second.stepsTaken).toBe(9);
        expect(second.learningRates).toEqual(first.learningRates);
        expect(Array.from(await second.submitSteps(7))).toEqual(Array.from(continued));
        expect(await second.evaluate(names)).toEqual(rows);
        expect(await second.readWeights()).toEqual(await first.readWeights());
      } finally {
        first.destroy();
        second.destroy();
      }
    });
  });

  it('refuses members that cannot share a lane, and a rate some member cannot take (changing nothing)', async () => {
    const square = await problemOf(SQUARE, MEMBERS[0]!);
    const logistic = await problemOf(LOGISTIC_WITH_BIAS, MEMBERS[1]!);
    const momentum = await buildProblem(parseConfig({ ...SQUARE, kernels: { matmul: 'register' }, model: { width: 4 }, optimizer: { rule: { kind: 'momentum' } } }));
    await onGpu('lane refusals', async (gpu) => {
      await expect(BatchedGpuSimulation.create(gpu, [])).rejects.toThrow(/at least one member/);
      await expect(BatchedGpuSimulation.create(gpu, [square, logistic])).rejects.toThrow(/member 1 cannot share a lane/);
      await expect(BatchedGpuSimulation.create(gpu, [square, momentum])).rejects.toThrow(/member 1 cannot train in a lane: not plain GD/);
      const lane = await BatchedGpuSimulation.create(gpu, [square, await problemOf(SQUARE, MEMBERS[2]!)]);
      try {
        for (const rate of [NaN, -1, Infinity]) expect(() => lane.setLearningRate(rate)).toThrow(InvalidLearningRateError);
        // Member 1's step lr * m overflows float32 first (its rate is 0.4 of member 0's, m = 37).
        expect(() => lane.setLearningRate(1e38)).toThrow(InvalidLearningRateError);
        expect(lane.learningRates).toEqual([MEMBERS[0]!.learningRate, MEMBERS[2]!.learningRate]);
      } finally {
        lane.destroy();
      }
    });
  });
});
