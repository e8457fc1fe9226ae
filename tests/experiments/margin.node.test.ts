import { describe, expect, it } from 'vitest';
import { formatOutcome } from '../../src/experiments/preset';
import { MARGIN_PRESETS } from '../../src/experiments/presets/margin';
import { getTestGpu } from '../helpers/gpu';
import { reducedCheck } from './reduced-check';

describe('margin presets (reduced checks on the GPU backend)', () => {
  it.each(MARGIN_PRESETS.map((preset) => [preset.name, preset] as const))('%s', async (_name, preset) => {
    const outcome = await reducedCheck(preset, { requestGpu: getTestGpu });
    console.log(formatOutcome(preset.name, outcome));
    expect(outcome.passed).toBe(true);
  }, 60_000);
});
