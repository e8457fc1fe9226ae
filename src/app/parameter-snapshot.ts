/**
 * The parameters of a live run at a step boundary, for an analysis of the current state: the weights after
 * exactly `step` steps, never a mix of two chunks. A simulation's stepsTaken counts the steps queued so far
 * and readWeights waits for every queued step, so the pair is consistent when no chunk was queued while the
 * weights were read; the caller holds the scheduler between chunks (at most the chunk it was about to queue
 * still goes), and a read that a late chunk overtook is simply taken again.
 */
import type { Simulation } from '../core/simulation';
import type { GpuContext } from '../gpu/device';

/** Member k's parameters after `step` steps, in its model kind's form (two-layer: float32 or float64 a, W, b). */
export interface ParameterSnapshot {
  readonly step: number;
  readonly weights: unknown;
  /** The run's device (GPU backend): the analysis runs beside the training, on the same one. */
  readonly gpu?: GpuContext;
}

/** Reads a held scheduler leaves room for: the chunk it was about to queue, a single step asked for meanwhile, one spare. */
const MAX_READS = 4;

/** The run kept stepping while its parameters were read (it was played or stepped meanwhile). */
export class ParametersMovedError extends Error {
  override name = 'ParametersMovedError';
  constructor(reads: number) {
    super(`the run took more steps during each of ${reads} reads of its parameters: pause it, then analyze again`);
  }
}

/** The simulation's weights (every member's, for a run set; copied) and the step they belong to. */
export async function readAtStepBoundary(simulation: Simulation<unknown>): Promise<{ step: number; weights: unknown }> {
  for (let read = 0; read < MAX_READS; read++) {
    const step = simulation.stepsTaken;
    const weights = await simulation.readWeights();
    // A copy: the float64 backend hands out its live arrays, which the run's next step changes.
    if (simulation.stepsTaken === step) return { step, weights: structuredClone(weights) };
  }
  throw new ParametersMovedError(MAX_READS);
}
