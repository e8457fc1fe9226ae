/**
 * What the run loop (src/run) needs from a model kind, so it runs every kind without a branch per kind:
 * the kind's simulation on the configured backend, when to log, and how to report and save a run.
 * Each kind folder exports one ModelKind; src/models/kinds.ts lists them by config name.
 */
import type { ExperimentConfig } from '../config/schema';
import type { ReadText } from '../data/create';
import type { GpuContext } from '../gpu/device';
import type { MetricsRow, Simulation } from '../core/simulation';
import type { RunFootprint } from './footprint';

/** A config turned into what one run of its model kind needs (data loaded, settings checked); P: its parameters. */
export interface PreparedRun<P = unknown> {
  /** A fresh simulation at step 0 on config.backend (also after a device loss, before the checkpoint is restored). */
  createSimulation(getGpu: () => Promise<GpuContext>): Promise<Simulation<P>>;
  /** Steps per queue submit (and the most a live change may ask for). */
  readonly stepsPerSubmit: number;
  /** Keep a checkpoint every this many steps (0: only at the start); device loss resumes from the last. */
  readonly checkpointEvery: number;
  /** Log metrics at exactly these steps (ascending); absent: every metrics.every steps. */
  readonly metricSteps?: readonly number[];
  /** The metric that stands for the loss in progress reports and the summary. */
  readonly lossMetric: string;
  /** The logged rows as the result reports them (a kind may derive metrics from the whole run). */
  finishRows(rows: MetricsRow[], stepLosses: readonly number[]): MetricsRow[];
  /** The parameters a simulation read (readWeights), as JSON (--save-params, the app's download). */
  parametersJson(weights: P): unknown;
}

/** Members of a run set that one simulation steps together on the GPU (one set of dispatches per step). */
export interface BatchedGroup<P = unknown> {
  /** Indices into the set's members, ascending. */
  readonly members: readonly number[];
  /** A simulation over those members (memberCount = members.length; its weights list them in that order). */
  createSimulation(getGpu: () => Promise<GpuContext>): Promise<Simulation<readonly P[]>>;
}

export interface ModelKind<P = unknown> {
  prepare(config: ExperimentConfig, readText: ReadText | undefined): Promise<PreparedRun<P>>;
  /**
   * The run's largest arrays on the host and the GPU, estimated from the config alone (nothing loaded or drawn), so
   * a run that cannot fit is refused before prepare allocates (src/models/run-set/preflight.ts). Absent: not checked.
   */
  footprint?(config: ExperimentConfig): RunFootprint;
  /**
   * The groups of a GPU run set's members (prepared by this kind) that can step in one set of dispatches;
   * members in no group step as their own simulations. Absent: every member steps on its own. `limits`: the
   * device's buffer limits when known, so that no group is too big to build on it.
   */
  batchedGroups?(runs: readonly PreparedRun<P>[], limits?: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number }): readonly BatchedGroup<P>[];
}
