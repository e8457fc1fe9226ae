/**
 * The lazy-training presets' checks at their reduced (CI) size on the GPU backend in Node
 * (docs/science.md section 2): seeded, so the verdicts are stable.
 */
import { describe, expect, it } from 'vitest';
import { formatOutcome } from '../../src/experiments/preset';
import { LAZY_PRESETS } from '../../src/experiments/presets/lazy';
import { getTestGpu } from '../helpers/gpu';
import { reducedCheck } from './reduced-check';

describe('lazy presets (reduced checks)', () => {
  for (const preset of LAZY_PRESETS) {
    it(`${preset.name} shows its claim`, async () => {
      const outcome = await reducedCheck(preset, { requestGpu: getTestGpu });
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, 120_000);
  }
});
