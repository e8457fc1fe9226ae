/** A live run's parameters at a step boundary: a read that a chunk overtook is taken again; a run that never holds still is an error. */
import { describe, expect, it } from 'vitest';
import { ParametersMovedError, readAtStepBoundary } from '../../src/app/parameter-snapshot';
import type { Simulation } from '../../src/core/simulation';

/** A simulation whose weights are its step count, and which queues `stepsDuringRead[k]` more steps during read k. */
function stepping(stepsDuringRead: readonly number[]): Simulation<{ at: Float64Array }> {
  let stepsTaken = 10;
  let reads = 0;
  return {
    get stepsTaken() {
      return stepsTaken;
    },
    async readWeights() {
      const weights = { at: Float64Array.of(stepsTaken) };
      stepsTaken += stepsDuringRead[reads++] ?? 0;
      return weights;
    },
  } as unknown as Simulation<{ at: Float64Array }>;
}

describe('readAtStepBoundary', () => {
  it('returns the weights with the step they are at, reading again when a chunk was queued during the read', async () => {
    expect(await readAtStepBoundary(stepping([]))).toEqual({ step: 10, weights: { at: Float64Array.of(10) } });
    expect(await readAtStepBoundary(stepping([4, 1]))).toEqual({ step: 15, weights: { at: Float64Array.of(15) } });
  });

  it("hands out a copy, not the backend's live arrays", async () => {
    const live = { at: Float64Array.of(1) };
    const simulation = { stepsTaken: 3, readWeights: async () => live } as unknown as Simulation<typeof live>;
    const { weights } = await readAtStepBoundary(simulation);
    live.at[0] = 2;
    expect(weights).toEqual({ at: Float64Array.of(1) });
  });

  it('gives up with a named error when every read was overtaken', async () => {
    await expect(readAtStepBoundary(stepping([1, 1, 1, 1, 1]))).rejects.toThrow(ParametersMovedError);
    await expect(readAtStepBoundary(stepping([1, 1, 1, 1, 1]))).rejects.toThrow(/pause it, then analyze again/);
  });
});
