/**
 * The generalization presets' checks at their reduced (CI) size on the GPU backend in Node
 * (docs/science.md sections 3 and 8): seeded, so the verdicts are stable.
 */
import { describe, expect, it } from 'vitest';
import { checkContext, formatOutcome } from '../../src/experiments/preset';
import { GENERALIZATION_PRESETS } from '../../src/experiments/presets/generalization';
import { getTestGpu } from '../helpers/gpu';

describe('generalization presets (reduced checks)', () => {
  for (const preset of GENERALIZATION_PRESETS) {
    it(`${preset.name} shows its claim`, async () => {
      const outcome = await preset.check!(checkContext(preset, 'reduced', { requestGpu: getTestGpu }));
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, 120_000);
  }
});
