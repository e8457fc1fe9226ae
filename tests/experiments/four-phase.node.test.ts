/**
 * The four-phase preset at the reduced size: all six boundaries of phases I-IV detected in order (the check's verdict).
 */
import { describe, expect, it } from 'vitest';
import { checkContext, formatOutcome } from '../../src/experiments/preset';
import { FOUR_PHASE_PRESETS } from '../../src/experiments/presets/four-phase';
import { getTestGpu } from '../helpers/gpu';

/** The reduced check takes < 25 s alone on the 2-core SwiftShader machine; the limit leaves room for a loaded one. */
const CHECK_TIMEOUT_MS = 180_000;

describe('four-phase presets (reduced size)', () => {
  for (const preset of FOUR_PHASE_PRESETS) {
    it(`${preset.name}: the claim holds`, async () => {
      const outcome = await preset.check!(checkContext(preset, 'reduced', { requestGpu: getTestGpu }));
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, CHECK_TIMEOUT_MS);
  }
});
