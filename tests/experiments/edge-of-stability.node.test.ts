/**
 * The edge-of-stability preset's check at CI size. It runs on the float64 backend (the central flow is float64
 * anyway), so no device is needed; the check replays the run next to the central flow and the gradient flow.
 */
import { describe, expect, it } from 'vitest';
import { formatOutcome } from '../../src/experiments/preset';
import { EDGE_OF_STABILITY_PRESETS } from '../../src/experiments/presets/edge-of-stability';
import { reducedCheck } from './reduced-check';

/** The reduced check took 16 s (two lightly loaded cores, CPU float64) and 53 s with them shared ~9x; the timeout leaves room beyond that. */
const TIMEOUT_MS = 300_000;

describe('edge-of-stability preset (reduced check)', () => {
  for (const preset of EDGE_OF_STABILITY_PRESETS) {
    it(`${preset.name} shows its claim`, async () => {
      const outcome = await reducedCheck(preset, {});
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, TIMEOUT_MS);
  }
});
