/**
 * The phase presets' claims at the reduced size CI runs (seeded, so the verdicts are stable).
 */
import { describe, expect, it } from 'vitest';
import { checkContext, formatOutcome } from '../../src/experiments/preset';
import { PHASE_PRESETS } from '../../src/experiments/presets/phases';
import { getTestGpu } from '../helpers/gpu';

/** Each reduced check takes < 25 s alone on the 2-core SwiftShader machine; the limit leaves room for a loaded one. */
const CHECK_TIMEOUT_MS = 180_000;

describe('phase presets (reduced size)', () => {
  for (const preset of PHASE_PRESETS) {
    it(`${preset.name} shows its claim`, async () => {
      const outcome = await preset.check!(checkContext(preset, 'reduced', { requestGpu: getTestGpu }));
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, CHECK_TIMEOUT_MS);
  }
});
