/** The mean-field presets' checks at the reduced (CI) size, on the GPU backend in Node. */
import { describe, expect, it } from 'vitest';
import { MEAN_FIELD_PRESETS } from '../../src/experiments/presets/mean-field';
import { checkContext, formatOutcome } from '../../src/experiments/preset';
import { getTestGpu } from '../helpers/gpu';

describe('mean-field presets (reduced)', () => {
  for (const preset of MEAN_FIELD_PRESETS) {
    it(`${preset.name} shows its claim`, async () => {
      const outcome = await preset.check!(checkContext(preset, 'reduced', { requestGpu: getTestGpu }));
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, 60_000);
  }
});
