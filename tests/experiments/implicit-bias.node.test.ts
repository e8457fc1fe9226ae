/**
 * The implicit-bias presets' checks at CI size on the GPU backend in Node. sharpness-vs-lr reads
 * data/digits.csv, so the run options carry readText (node:fs, hence a node-only test).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatOutcome } from '../../src/experiments/preset';
import { IMPLICIT_BIAS_PRESETS } from '../../src/experiments/presets/implicit-bias';
import { getTestGpu } from '../helpers/gpu';
import { reducedCheck } from './reduced-check';

const readText = (path: string) => readFile(path, 'utf8');
/** Each reduced check is sized for < 25 s on SwiftShader; the timeout leaves room for a busy machine. */
const TIMEOUT_MS = 90_000;

describe('implicit-bias presets (reduced checks)', () => {
  for (const preset of IMPLICIT_BIAS_PRESETS) {
    it(`${preset.name} shows its claim`, async () => {
      const outcome = await reducedCheck(preset, { requestGpu: getTestGpu, readText });
      console.log(formatOutcome(preset.name, outcome));
      expect(outcome.passed).toBe(true);
    }, TIMEOUT_MS);
  }
});
