/** The mean-field presets' checks at the reduced (CI) size, on the GPU backend in Node. */
import { describe, expect, it } from 'vitest';
import { MEAN_FIELD_PRESETS } from '../../src/experiments/presets/mean-field';
import { formatOutcome } from '../../src/experiments/preset';
import { getTestGpu } from '../helpers/gpu';
import { reducedCheck } from './reduced-check';

describe('mean-field presets (reduced)', () => {
  for (const preset of MEAN_FIELD_PRESETS) {
    it(`${preset.name} shows its claim`, async () => {
      const outcome = await reducedCheck(preset, { requestGpu: getTestGpu });
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, 60_000);
  }
});
