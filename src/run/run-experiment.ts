/**
 * One experiment from a validated config to its result: prepares the config's model kind, builds its
 * simulation on the chosen backend and the scheduler, runs it, and packages what the CLI writes and the
 * app shows. Every model kind runs through the same loop (src/models/kinds.ts).
 */
import type { ExperimentConfig } from '../config/schema';
import type { ReadText } from '../data/create';
import { requestGpu, type GpuContext } from '../gpu/device';
import type { Checkpoint } from '../core/simulation';
import { MODEL_KINDS } from '../models/kinds';
import type { PreparedRun } from '../models/model-kind';
import { prepareRunSet, type PreparedRunSet } from '../models/run-set/prepare';
import { DeviceLostError, type Simulation } from '../core/simulation';
import { Scheduler, type ProgressEvent, type RunLog } from './scheduler';
import { throwIfAbandoned } from './set-up-abandon';
import { timedSpan } from '../core/timing-spans';
import { type MetricsRow } from '../core/simulation';

export interface RunOptions {
  readonly readText?: ReadText;
  /** Device factory (also used again after a device loss). Default: requestGpu(). */
  readonly requestGpu?: () => Promise<GpuContext>;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Each logged row and the member it belongs to (0 for a single run). */
  readonly onMetrics?: (row: MetricsRow, member: number) => void;
  /** Device losses and resumptions, as they happen. */
  readonly onEvent?: (event: string) => void;
  /** How a run set's members step (prepareRunSet's groups: a batched lane of several, or a member alone), once prepared. */
  readonly onGroups?: (groups: readonly (readonly number[])[]) => void;
  /** Called once the scheduler exists (to pause, stop or change the learning rate). */
  readonly onScheduler?: (scheduler: Scheduler, run: PreparedRun) => void;
  /** Include the final parameters in the result. */
  readonly saveParams?: boolean;
  /** Awaited before each submit (the app: the next animation frame, so training paces with drawing). */
  readonly pace?: () => Promise<unknown>;
  /** Leave the simulation alive at the end (the app keeps drawing it); the caller destroys it through onScheduler's scheduler. */
  readonly retainSimulation?: boolean;
  /** Continue from this checkpoint instead of the initialization (the app: a batch-size change without reset; the CLI's --resume). */
  readonly resumeFrom?: Checkpoint<unknown>;
  /** With resumeFrom: what the run had logged up to it, so the result is the uninterrupted run's (the CLI's --resume). */
  readonly startLog?: RunLog;
  /** Awaited at every checkpoint the run keeps and where it stops (the CLI writes it to disk). */
  readonly onCheckpoint?: (checkpoint: Checkpoint<unknown>, log: RunLog) => Promise<void>;
  /** Aborting it stops the run at the next chunk boundary (a signal); the result's status then reads "interrupted". */
  readonly signal?: AbortSignal;
  /**
   * Aborting it before the run trains gives the run up (the app replaced it): set-up stops at the next stage (the
   * device, the data, each simulation part), a simulation already built is destroyed, and runRunSet rejects with
   * RunAbandonedError. Once onScheduler was called it does nothing: stop the scheduler.
   */
  readonly setUpSignal?: AbortSignal;
}

export interface ExperimentSummary {
  readonly backend: string;
  readonly device: string;
  /** How the GPU dispatched this run's steps ('unfused' or 'multi-step'), where there was a choice. */
  readonly stepKernel?: string;
  readonly stepsTaken: number;
  readonly finalLoss: number;
  readonly diverged: boolean;
  /** "diverged at step k" when the loss became NaN or infinite. */
  readonly status: string;
  readonly divergedAt?: number;
  readonly wallSeconds: number;
  readonly stepsPerSecond: number;
  readonly events: string[];
}

export interface ExperimentResult {
  readonly config: ExperimentConfig;
  readonly metrics: MetricsRow[];
  readonly stepLosses: number[];
  readonly summary: ExperimentSummary;
  /** The final parameters as JSON (with RunOptions.saveParams), in the model kind's own form. */
  readonly final?: unknown;
}

/** The config's model kind, prepared: its data loaded and settings checked, ready to build simulations. */
export function prepareRun(config: ExperimentConfig, readText?: ReadText): Promise<PreparedRun> {
  return MODEL_KINDS[config.model.kind].prepare(config, readText);
}

/** Every check a run set makes before it builds anything (data loaded, settings that need the data): a sweep checks all its points before it runs one. */
export async function checkRunSet(configs: readonly ExperimentConfig[], readText?: ReadText): Promise<void> {
  await prepareRunSet(configs, readText);
}

/** One experiment: a run set of one. */
export async function runExperiment(config: ExperimentConfig, options: RunOptions = {}): Promise<ExperimentResult> {
  return (await runRunSet([config], options))[0]!;
}

/**
 * A run set: every config (member) trained together, stepping in lockstep, each exactly as it would run
 * alone; one result per member, in order. With several members, onMetrics and onProgress carry the
 * member index and step-major losses, resumeFrom and saveParams hold the whole set's checkpoint and weights.
 */
export async function runRunSet(configs: readonly ExperimentConfig[], options: RunOptions = {}): Promise<ExperimentResult[]> {
  const requestDevice = options.requestGpu ?? (() => requestGpu());
  const abandoned = options.setUpSignal;
  throwIfAbandoned(abandoned);
  // A GPU run gets its device first, so its buffer limits are checked before any data is drawn; the
  // simulation then builds on that same device.
  // No device yet (none at all on this machine) is no reason to fail before the inputs are checked: the build asks again.
  let early = configs[0]!.backend === 'gpu' ? await timedSpan('set-up/device', requestDevice).catch(() => undefined) : undefined;
  // The device is requestGpu's (the app shares one between runs): a run given up leaves it alone.
  throwIfAbandoned(abandoned);
  // Asked for right before each simulation part is built on it: a run given up by then builds nothing more.
  const getGpu = async () => {
    throwIfAbandoned(abandoned);
    const gpu = early ?? (await requestDevice());
    early = undefined;
    throwIfAbandoned(abandoned);
    return gpu;
  };
  let set: PreparedRunSet;
  try {
    set = await timedSpan('set-up/prepare', () => prepareRunSet(configs, options.readText, early ? { gpuLimits: early.device.limits } : {}));
  } catch (error) {
    early?.device.destroy();
    throw error;
  }
  throwIfAbandoned(abandoned);
  options.onGroups?.(set.groups);
  const run = set.members[0]!;
  const config = configs[0]!;
  const start = async (checkpoint: Checkpoint<unknown> | undefined) => {
    const fresh = await timedSpan('set-up/simulation', () => set.createSimulation(getGpu));
    if (checkpoint) await fresh.restore(checkpoint);
    // Given up while it was built: it goes now, before a scheduler exists to be stopped.
    if (abandoned?.aborted) fresh.destroy();
    throwIfAbandoned(abandoned);
    return fresh;
  };
  const setUpEvents: string[] = [];
  const simulation = await startOnLiveDevice(() => start(options.resumeFrom), (event) => {
    setUpEvents.push(event);
    options.onEvent?.(event);
  });
  const scheduler = new Scheduler(simulation, {
    totalSteps: config.steps,
    stepsPerSubmit: run.stepsPerSubmit,
    metricsEvery: config.metrics.every,
    ...(run.metricSteps ? { metricSteps: run.metricSteps } : {}),
    progressMetric: run.lossMetric,
    metricNames: config.metrics.names,
    checkpointEvery: run.checkpointEvery,
    recover: (checkpoint) => start(checkpoint ?? options.resumeFrom),
    ...(options.pace ? { pace: options.pace } : {}),
    ...(options.startLog ? { startLog: options.startLog } : {}),
    ...(options.onCheckpoint ? { onCheckpoint: options.onCheckpoint } : {}),
  });
  if (options.onProgress) scheduler.onProgress(options.onProgress);
  if (options.onMetrics) scheduler.onMetrics(options.onMetrics);
  if (options.onEvent) scheduler.onEvent(options.onEvent);
  options.onScheduler?.(scheduler, run);
  const stop = () => scheduler.stop();
  options.signal?.addEventListener('abort', stop);
  if (options.signal?.aborted) stop();
  const started = performance.now();
  try {
    const outcome = await scheduler.run();
    const wallSeconds = (performance.now() - started) / 1000;
    const finalSimulation = scheduler.currentSimulation;
    const finalWeights = options.saveParams ? await finalSimulation.readWeights() : undefined;
    return outcome.members.map((member, k) => {
      const prepared = set.members[k]!;
      const lastRow = member.rows.at(-1);
      const diverged = member.divergedAt !== undefined;
      const summary: ExperimentSummary = {
        backend: finalSimulation.backend,
        device: finalSimulation.device,
        ...(stepKernelSummary(finalSimulation, k)),
        stepsTaken: member.stepsTaken,
        finalLoss: diverged ? divergedLoss(lastRow?.[prepared.lossMetric], member.stepLosses.at(-1)) : lastRow?.[prepared.lossMetric] ?? member.stepLosses.at(-1) ?? NaN,
        diverged,
        status: diverged ? `diverged at step ${member.divergedAt}` : outcome.stopped ? `${options.signal?.aborted ? 'interrupted' : 'stopped'} at step ${member.stepsTaken}` : 'completed',
        ...(diverged ? { divergedAt: member.divergedAt } : {}),
        wallSeconds,
        stepsPerSecond: (outcome.stepsTaken - (options.resumeFrom?.stepsTaken ?? 0)) / Math.max(wallSeconds, 1e-9),
        events: [...setUpEvents, ...outcome.events],
      };
      const result: ExperimentResult = { config: configs[k]!, metrics: prepared.finishRows(member.rows, member.stepLosses), stepLosses: member.stepLosses, summary };
      if (finalWeights === undefined) return result;
      return { ...result, final: prepared.parametersJson(configs.length === 1 ? finalWeights : (finalWeights as readonly unknown[])[k]) };
    });
  } catch (error) {
    if (options.retainSimulation) scheduler.currentSimulation.destroy(); // a failed run leaves nothing to draw
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (!options.retainSimulation) scheduler.currentSimulation.destroy();
  }
}

/** Tries to build a run's simulation this many times when the device is lost while it is built. */
const SET_UP_TRIES = 3;

/** Builds the simulation, on a new device when the device is lost during set-up (each loss reported). */
async function startOnLiveDevice(build: () => Promise<Simulation<unknown>>, report: (event: string) => void): Promise<Simulation<unknown>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await build();
    } catch (error) {
      if (!(error instanceof DeviceLostError) || attempt >= SET_UP_TRIES) throw error;
      report(`GPU device lost while the run was set up (${error.message}); set up again on a new device`);
    }
  }
}

/** A diverged run's final loss is the non-finite value that ended it, not an earlier logged one. */
function divergedLoss(lastLogged: number | undefined, lastStep: number | undefined): number {
  return [lastLogged, lastStep].find((loss) => loss !== undefined && !Number.isFinite(loss)) ?? NaN;
}

/** The summary's stepKernel field of member k, or nothing where the simulation has no such choice. */
function stepKernelSummary(simulation: { stepKernelOf?(member: number): string | undefined }, member: number): { stepKernel?: string } {
  const kernel = simulation.stepKernelOf?.(member);
  return kernel ? { stepKernel: kernel } : {};
}
