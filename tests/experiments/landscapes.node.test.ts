import { describe, expect, it } from 'vitest';
import { checkContext, formatOutcome } from '../../src/experiments/preset';
import { LANDSCAPE_PRESETS } from '../../src/experiments/presets/landscapes';
import { getTestGpu } from '../helpers/gpu';

describe('landscape presets: checks at reduced size on the GPU', () => {
  it.each(LANDSCAPE_PRESETS.map((preset) => [preset.name, preset] as const))('%s', async (_name, preset) => {
    const outcome = await preset.check!(checkContext(preset, 'reduced', { requestGpu: getTestGpu }));
    console.log(formatOutcome(preset.name, outcome));
    expect(outcome.passed, formatOutcome(preset.name, outcome)).toBe(true);
  });
});
