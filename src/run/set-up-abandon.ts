/**
 * Giving up a run while it is still being set up: the app replaces a run on every new setting, and a run
 * replaced before its first step would otherwise go on building its simulation (buffers, pipelines) only to be
 * thrown away. runRunSet checks its `setUpSignal` between set-up stages and frees what it built.
 */

/** The run was given up (its set-up signal aborted) before it started training; nothing it built is kept. */
export class RunAbandonedError extends Error {
  override name = 'RunAbandonedError';
  constructor() {
    super('the run was replaced before it started: its set-up stopped and what it had built was freed (start the run again to train it)');
  }
}

/** Throws RunAbandonedError once `signal` is aborted; nothing without a signal. */
export function throwIfAbandoned(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunAbandonedError();
}
