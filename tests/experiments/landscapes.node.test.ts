import { describe, expect, it } from 'vitest';
import { formatOutcome } from '../../src/experiments/preset';
import { LANDSCAPE_PRESETS } from '../../src/experiments/presets/landscapes';
import { getTestGpu } from '../helpers/gpu';
import { reducedCheck } from './reduced-check';

describe('landscape presets: checks at reduced size on the GPU', () => {
  it.each(LANDSCAPE_PRESETS.map((preset) => [preset.name, preset] as const))('%s', async (_name, preset) => {
    const outcome = await reducedCheck(preset, { requestGpu: getTestGpu });
    console.log(formatOutcome(preset.name, outcome));
    expect(outcome.passed, formatOutcome(preset.name, outcome)).toBe(true);
  });
});
