import { describe, expect, it } from 'vitest';
import { checkContext, formatOutcome } from '../../src/experiments/preset';
import { MARGIN_PRESETS } from '../../src/experiments/presets/margin';
import { getTestGpu } from '../helpers/gpu';

describe('margin presets (reduced checks on the GPU backend)', () => {
  it.each(MARGIN_PRESETS.map((preset) => [preset.name, preset] as const))('%s', async (_name, preset) => {
    const outcome = await preset.check!(checkContext(preset, 'reduced', { requestGpu: getTestGpu }));
    console.log(formatOutcome(preset.name, outcome));
    expect(outcome.passed).toBe(true);
  }, 60_000);
});
