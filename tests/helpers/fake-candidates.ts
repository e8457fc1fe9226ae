/** Fake autotune candidates: each run takes the given time (ms) and is logged, so tests see what was run, in order. */
import { vi } from 'vitest';
import type { CandidateRun } from '../../src/gpu/autotune';

export function fakeCandidates<T extends string>(times: Readonly<Record<T, number>>, log: T[] = []) {
  return vi.fn(
    async (candidate: T): Promise<CandidateRun> => ({
      run: async () => {
        log.push(candidate);
        return times[candidate];
      },
      destroy: () => undefined,
    }),
  );
}
