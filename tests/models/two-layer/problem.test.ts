import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/schema';
import { ConfigError } from '../../../src/config/errors';
import { buildProblem } from '../../../src/models/two-layer/problem';

const data = { kind: 'teacher-student', sampleCount: 12, testCount: 0, inputDim: 3, teacher: { kind: 'random', width: 2 } } as const;

describe('a two-layer problem from its config: input errors are config errors (exit 2), named by field', () => {
  it('refuses a batch larger than the data without replacement, and takes it with replacement', async () => {
    await expect(buildProblem(parseConfig({ data, optimizer: { batchSize: 13 } }))).rejects.toThrow(/optimizer\.batchSize: got 13, over the 12 training samples/);
    await expect(buildProblem(parseConfig({ data, optimizer: { batchSize: 13 } }))).rejects.toBeInstanceOf(ConfigError);
    await expect(buildProblem(parseConfig({ data, optimizer: { batchSize: 13, withReplacement: true } }))).resolves.toBeDefined();
  });

  it('refuses von Mises directions off the plane before drawing them (was a RangeError)', async () => {
    const config = parseConfig({ data, model: { width: 4, init: { directions: { kind: 'von-mises', kappa: 1 } } } });
    await expect(buildProblem(config)).rejects.toThrow(/model\.init\.directions: .*needs inputDim 2, the data have 3/);
    await expect(buildProblem(config)).rejects.toBeInstanceOf(ConfigError);
  });

  it("refuses kernels.step 'multi-step' where the kernel cannot run, with the reason; 'auto' takes any config", async () => {
    const adam = { rule: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } } as const;
    const forced = parseConfig({ data, optimizer: adam, kernels: { step: 'multi-step' } });
    await expect(buildProblem(forced)).rejects.toThrow(/kernels\.step: got "multi-step"; the multi-step kernel runs plain GD only; optimizer rule 'adam' needs the unfused step; use 'auto' or 'unfused'/);
    await expect(buildProblem(forced)).rejects.toBeInstanceOf(ConfigError);
    const wide = parseConfig({ data: { ...data, inputDim: 65 }, kernels: { step: 'multi-step' } });
    await expect(buildProblem(wide)).rejects.toThrow(/kernels\.step: .*d <= 64; d = 65/);
    await expect(buildProblem(parseConfig({ data, optimizer: adam }))).resolves.toMatchObject({ trainer: { stepKernel: 'auto' } });
  });
});
