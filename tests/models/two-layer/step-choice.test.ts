/** How a run's steps are dispatched: the config's stepKernel, and what 'auto' picks (step-choice.ts). */
import { describe, expect, it } from 'vitest';
import { resolveStepKernel } from '../../../src/models/two-layer/step-choice';
import { autotuneStepKernel, stepDecision, STEP_TUNE_KERNEL } from '../../../src/models/two-layer/step-autotune';
import { memoryAutotuneStore } from '../../../src/gpu/autotune';
import { autoStepKernel, MULTI_STEP_MAX_WORK, stepWork } from '../../../src/core/step-kernels';
import { KernelArgumentError } from '../../../src/core/errors';
import type { TwoLayerTrainerConfig } from '../../../src/core/network';
import { onGpu } from '../../helpers/gpu';

const small = {
  width: 64, inputDim: 8, sampleCount: 256, batchSize: 256, scaling: 'mean-field', loss: 'square', hasBias: true, trainable: 'both', learningRate: 0.1, seed: 1,
} satisfies TwoLayerTrainerConfig & { batchSize: number };

describe("stepKernel 'auto'", () => {
  it('leaves a step past MULTI_STEP_MAX_WORK, an optimizer rule, JKO, online samples or the sphere to the unfused step without asking the adapter', () => {
    expect(autoStepKernel(small)).toBe('ask');
    const wide = { ...small, width: Math.ceil(MULTI_STEP_MAX_WORK / (256 * 9)) + 1 };
    expect(stepWork(wide)).toBeGreaterThan(MULTI_STEP_MAX_WORK);
    expect(autoStepKernel(wide)).toBe('unfused');
    expect(autoStepKernel({ ...wide, batchSize: 32 })).toBe('ask');
    for (const change of [{ optimizer: { kind: 'adam' } }, { jko: {} }, { online: {} }, { sphere: true }, { inputDim: 65 }]) {
      expect(autoStepKernel({ ...small, ...change }), JSON.stringify(change)).toBe('unfused');
    }
  });

  it('takes the adapter’s small-step winner for a small plain-GD step: multi-step on SwiftShader, shipped untimed', async () => {
    const [auto, large, forced, refused] = await onGpu('step choice', async (gpu) => [
      await resolveStepKernel(gpu, { ...small, stepKernel: 'auto' }),
      await resolveStepKernel(gpu, { ...small, width: 100_000, stepKernel: 'auto' }),
      await resolveStepKernel(gpu, { ...small, width: 100_000, stepKernel: 'multi-step' }),
      await resolveStepKernel(gpu, { ...small, optimizer: { kind: 'momentum', beta: 0.9 }, stepKernel: 'multi-step' }).then(() => undefined, (e: unknown) => e),
    ]);
    const adapter = await onGpu('adapter', async (gpu) => gpu.adapterDescription);
    if (stepDecision(adapter)) expect(auto).toBe(stepDecision(adapter));
    else expect(['unfused', 'multi-step']).toContain(auto);
    expect(large).toBe('unfused');
    // An explicit 'multi-step' is obeyed at any size, and refused with the reason where the kernel cannot run.
    expect(forced).toBe('multi-step');
    expect(refused).toBeInstanceOf(KernelArgumentError);
    expect(String(refused)).toMatch(/'stepKernel' is 'multi-step', but .*optimizer rule 'momentum' needs the unfused step/);
  });

  it('SwiftShader’s decision is shipped (the test machines run on it)', () => {
    expect(stepDecision('google swiftshader (SwiftShader driver 5.0.0), fallback')).toBe('multi-step');
    expect(stepDecision('nvidia h100')).toBeUndefined();
  });

  it('times both kernels at the tuning size on adapters without a shipped decision, and remembers the winner', async () => {
    const store = memoryAutotuneStore();
    const { tuned, again } = await onGpu('step autotune', async (gpu) => ({
      tuned: await autotuneStepKernel(gpu, { store, rounds: 1 }),
      again: await autotuneStepKernel(gpu, { store, rounds: 1 }),
    }));
    expect(Object.keys(tuned.timesMs).sort()).toEqual(['multi-step', 'unfused']);
    for (const ms of Object.values(tuned.timesMs)) expect(ms).toBeGreaterThan(0);
    const fastest = Object.entries(tuned.timesMs).sort((p, q) => p[1] - q[1])[0]![0];
    expect(tuned.winner).toBe(fastest);
    expect(again.winner).toBe(tuned.winner);
    expect(Object.keys(store.cache).some((key) => key.startsWith(STEP_TUNE_KERNEL))).toBe(true);
  });
});

