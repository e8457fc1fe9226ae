/**
 * One live run in the app: the CLI's runRunSet (same scheduler, same result format) paced to animation
 * frames, with the controls a user needs between chunks: pause, step, stop, learning-rate and speed
 * changes, a batch-size change that continues from a checkpoint instead of resetting, and an optional stop
 * condition on the loss. A config with a `sweep` block is a run set: every member trains live, together,
 * each with its own rows, step losses and live buffers (members[k]); a config without one is a set of one,
 * the single run as before (rows and stepLosses are member 0's). Events: 'progress', 'metrics' (detail: the
 * row; `member` on the event), 'source' (the live buffers changed: first start, device loss, batch change), 'end'.
 */
import { optimizerSchema, type ExperimentConfig } from '../config/schema';
import { expandSweep, type RunSetMember } from '../config/run-set';
import { GpuSimulation } from '../models/two-layer/gpu-simulation';
import { RunSetSimulation } from '../models/run-set/run-set-simulation';
import { buildProblem, type Problem } from '../models/two-layer/problem';
import type { ReadText } from '../data/create';
import { prepareRun, runRunSet, type ExperimentResult, type ExperimentSummary } from '../run/run-experiment';
import type { PreparedRun } from '../models/model-kind';
import type { Checkpoint, Simulation } from '../core/simulation';
import { checkLearningRate } from '../core/update-settings';
import type { GpuContext } from '../gpu/device';
import type { ProgressEvent, Scheduler } from '../run/scheduler';
import type { MetricsRow } from '../core/simulation';
import type { NetworkParameters } from '../core/network';

export type SessionStatus = 'starting' | 'running' | 'paused' | 'completed' | 'stopped' | 'diverged' | 'failed';

export interface SessionOptions {
  readonly requestGpu: () => Promise<GpuContext>;
  readonly readText?: ReadText;
  /** Steps per animation frame (at most config.stepsPerSubmit). */
  readonly stepsPerFrame: number;
  /** Awaited before each chunk; default: the next animation frame. */
  readonly pace?: () => Promise<unknown>;
  /** Stop once the latest step loss falls below this. */
  readonly stopBelowLoss?: number;
  readonly startPaused?: boolean;
}

/** What the views draw from: the live buffers of the network being trained and its problem. */
export interface LiveNetwork extends NetworkParameters<GPUBuffer> {
  readonly gpu: GpuContext;
  readonly problem: Problem;
}

/** One member of the run: a grid point of the sweep (or the one run of a config without a sweep). */
export interface SessionMember {
  readonly index: number;
  /** The swept values that make this member (path -> value); {} for a single run. */
  readonly overrides: Record<string, unknown>;
  /** "width=64, scaling=ntk": the swept values, each path's last field. */
  readonly label: string;
  readonly config: ExperimentConfig;
  /** One row per logged step. */
  readonly rows: MetricsRow[];
  /** The loss before every step taken. */
  readonly stepLosses: number[];
  /** Its result once the run ended. */
  result?: ExperimentResult;
}

/** A run set's result.json as the app writes it: the config with its sweep, the set's summary, every member's result. */
export interface RunSetSnapshot {
  readonly config: ExperimentConfig;
  readonly summary: ExperimentSummary & { readonly memberCount: number };
  readonly members: readonly (ExperimentResult & { readonly index: number; readonly label: string; readonly overrides: Record<string, unknown> })[];
}

/** "width=64, scaling=ntk": each swept path by its last field. */
export function memberLabel(overrides: Record<string, unknown>): string {
  return Object.entries(overrides).map(([path, value]) => `${path.split('.').at(-1)}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** The config's members: its sweep's grid points, or the config itself. */
function membersOf(config: ExperimentConfig): RunSetMember[] {
  return config.sweep ? expandSweep(config as unknown as Record<string, unknown>, 'the config') : [{ overrides: {}, config }];
}

export class TrainingSession extends EventTarget {
  /** Every member (one for a config without a sweep), in sweep order. */
  readonly members: readonly SessionMember[];
  /** Member 0's rows (the run's, for a single run). */
  readonly rows: MetricsRow[];
  /** Member 0's step losses (the run's, for a single run). */
  readonly stepLosses: number[];
  readonly events: string[] = [];
  status: SessionStatus = 'starting';
  /** Why the run ended, or what went wrong, in words. */
  message = '';
  progress: ProgressEvent | undefined;
  result: ExperimentResult | undefined;
  private scheduler: Scheduler | undefined;
  /** The prepared model kind of the current run (its parameters' JSON form). */
  private prepared: PreparedRun | undefined;
  private finalSimulation: Simulation<unknown> | undefined;
  private liveSimulation: GpuSimulation | undefined;
  /** The run set's simulation the views draw from (several members). */
  private liveSet: RunSetSimulation | undefined;
  /** Each member's problem (data, teacher, network settings) for its views: run sets of two-layer GPU members. */
  private memberProblems: readonly Problem[] | undefined;
  /** Why the config's members could not be made (reported when the run starts). */
  private readonly setupError: unknown;
  private frameSteps: number;
  /**
   * A rate asked for while no simulation holds the run's rate (before the scheduler attaches, or during a
   * batch-size switch): the next attach hands it down. Otherwise the running simulation owns the rate.
   */
  private pendingLearningRate: number | undefined;
  private paused: boolean;
  private restarting = false;
  private readonly started = performance.now();

  constructor(
    public config: ExperimentConfig,
    private readonly options: SessionOptions,
  ) {
    super();
    let members: RunSetMember[];
    try {
      members = membersOf(config);
    } catch (error) {
      this.setupError = error;
      members = [{ overrides: {}, config }];
    }
    this.members = members.map(({ overrides, config: memberConfig }, index) => ({ index, overrides, label: memberLabel(overrides) || 'this run', config: memberConfig, rows: [], stepLosses: [] }));
    this.rows = this.members[0]!.rows;
    this.stepLosses = this.members[0]!.stepLosses;
    this.frameSteps = Math.min(options.stepsPerFrame, config.stepsPerSubmit);
    this.paused = options.startPaused ?? false;
  }

  /** Steps per animation frame (per chunk) now. */
  get stepsPerFrame(): number {
    return this.frameSteps;
  }

  /** Whether the config carries a sweep block (a run set, even of one member). */
  get isSet(): boolean {
    return this.config.sweep !== undefined;
  }

  /** Starts the run (or continues from `resumeFrom`); `done` settles when it ends, never rejecting. */
  start(resumeFrom?: Checkpoint<unknown>): Promise<void> {
    this.done = this.run(resumeFrom);
    return this.done;
  }

  /** Settles when the current run ends (failures become the status). */
  done: Promise<void> = Promise.resolve();

  private async run(resumeFrom?: Checkpoint<unknown>): Promise<void> {
    try {
      if (this.setupError) throw this.setupError;
      const configs = this.members.map((member) => member.config);
      if (configs.length > 1) void this.buildMemberProblems(configs);
      const results = await runRunSet(configs, {
        requestGpu: this.options.requestGpu,
        ...(this.options.readText ? { readText: this.options.readText } : {}),
        ...(resumeFrom ? { resumeFrom } : {}),
        retainSimulation: true,
        pace: this.options.pace ?? nextFrame,
        onScheduler: (scheduler, prepared) => this.attach(scheduler, prepared),
        onProgress: (event) => this.onProgress(event),
        onEvent: (event) => {
          this.events.push(event);
          this.dispatchEvent(new CustomEvent('progress'));
        },
        onMetrics: (row, member) => {
          const rows = this.members[member]!.rows;
          if (rows.length > 0 && rows.at(-1)!.step >= row.step) return; // a resumed run's first row repeats the last one
          rows.push(row);
          this.dispatchEvent(Object.assign(new CustomEvent('metrics', { detail: row }), { member }));
        },
      });
      if (!this.restarting) this.finish(results);
    } catch (error) {
      if (this.restarting) return;
      this.status = 'failed';
      this.message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.dispatchEvent(new CustomEvent('end'));
    }
  }

  /** What the views draw: the single run's live buffers, or member 0's in a run set. */
  get live(): LiveNetwork | undefined {
    return this.memberLive(0);
  }

  /**
   * Member k's live buffers and problem, kept current as the run steps; undefined before the run started,
   * and for members without live buffers (float64, model kinds other than two-layer).
   */
  memberLive(member: number): LiveNetwork | undefined {
    const simulation = this.liveSimulation;
    if (simulation) {
      if (member !== 0) return undefined;
      const { gpu, a, W, b } = simulation.liveParameters;
      return { gpu, a, W, ...(b ? { b } : {}), problem: simulation.trainedProblem };
    }
    const problem = this.memberProblems?.[member];
    const parameters = problem ? this.liveSet?.memberLiveParameters(member) : undefined;
    if (!parameters || !problem) return undefined;
    const { gpu, a, W, b } = parameters;
    return { gpu, a, W, ...(b ? { b } : {}), problem };
  }

  /** Steps taken (a run set: by its members that went furthest). */
  get stepsTaken(): number {
    if (this.result) return Math.max(...this.members.map((member) => member.result?.summary.stepsTaken ?? 0));
    return this.scheduler?.currentSimulation.stepsTaken ?? 0;
  }

  /** Members whose run diverged (their rows and losses stop at the divergence). */
  get divergedMembers(): SessionMember[] {
    return this.members.filter((member) => member.result?.summary.diverged ?? member.stepLosses.some((loss) => !Number.isFinite(loss)));
  }

  pause(): void {
    this.paused = true;
    this.scheduler?.pause();
    if (this.status === 'running') this.setStatus('paused');
  }

  resume(): void {
    this.paused = false;
    this.scheduler?.resume();
    if (this.status === 'paused') this.setStatus('running');
  }

  stepOnce(): void {
    if (!this.paused) this.pause();
    this.scheduler?.stepOnce();
  }

  stop(): void {
    this.scheduler?.stop();
  }

  /** lr0 of the run: the one waiting for the next simulation, else the simulation's, else the config's. */
  get learningRate(): number {
    const simulation = this.scheduler?.currentSimulation ?? this.finalSimulation;
    return this.pendingLearningRate ?? simulation?.learningRate ?? this.config.optimizer.learningRate;
  }

  /**
   * The run's base rate lr0 from the next chunk on (a schedule runs its shape from it). The running simulation
   * takes and validates it; InvalidLearningRateError (a RangeError) for a rate no step can take.
   */
  setLearningRate(learningRate: number): void {
    if (this.scheduler && !this.restarting) this.scheduler.setLearningRate(learningRate);
    else this.pendingLearningRate = checkLearningRate(this.config.optimizer, learningRate);
  }

  setStepsPerFrame(steps: number): void {
    const max = this.scheduler?.maxStepsPerSubmit ?? this.config.stepsPerSubmit;
    if (!Number.isInteger(steps) || steps < 1 || steps > max) throw new RangeError(`steps per frame must be an integer in [1, ${max}] (the run's steps per submit), got ${steps}`);
    this.frameSteps = steps;
    this.scheduler?.setStepsPerSubmit(steps);
  }

  /**
   * A new minibatch size without a reset: the weights, step counter and optimizer state move to a
   * simulation built for the new batch (the minibatch stream goes on from the same step).
   */
  async setBatchSize(batchSize: number | undefined): Promise<void> {
    const scheduler = this.scheduler;
    if (!scheduler || this.restarting) throw new Error('the run is not running: change the batch size in the config and reset');
    if (this.isSet) throw new Error('a run set does not change its batch size while running: it restarts with the new one');
    // The config's own rule, checked before the running simulation is given up.
    if (!optimizerSchema.shape.batchSize.safeParse(batchSize).success) throw new RangeError(`batch size must be a positive integer (or none: the full batch), got ${batchSize}`);
    const wasPaused = this.paused;
    scheduler.pause();
    const simulation = scheduler.currentSimulation;
    // The rate as it is now: a change made while the checkpoint was read went to this simulation.
    const checkpoint = { ...(await simulation.checkpoint()), learningRate: simulation.learningRate };
    this.restarting = true;
    scheduler.stop();
    scheduler.resume();
    await this.done;
    scheduler.currentSimulation.destroy();
    const { batchSize: _old, ...optimizer } = this.config.optimizer;
    this.config = { ...this.config, optimizer: batchSize === undefined ? optimizer : { ...optimizer, batchSize } } as ExperimentConfig;
    (this.members[0] as { config: ExperimentConfig }).config = this.config; // a single run's one member is the run
    this.stepLosses.length = checkpoint.stepsTaken;
    while (this.rows.length > 0 && this.rows.at(-1)!.step > checkpoint.stepsTaken) this.rows.pop();
    this.scheduler = undefined;
    this.restarting = false;
    this.paused = wasPaused;
    this.events.push(`batch size changed to ${batchSize ?? 'full batch'} at step ${checkpoint.stepsTaken}`);
    void this.start(checkpoint);
  }

  /** Ends the run and frees its GPU buffers. */
  async destroy(): Promise<void> {
    this.restarting = true; // nothing more to report
    this.scheduler?.stop();
    this.scheduler?.resume();
    await this.done;
    this.finalSimulation?.destroy();
    this.scheduler?.currentSimulation.destroy();
    this.liveSimulation = undefined;
    this.liveSet = undefined;
  }

  /**
   * The current parameters (a small readback, only when the user asks); a run set's as
   * {members: [{index, label, overrides, parameters}]}, each in its model kind's own form.
   */
  async parameters(): Promise<unknown> {
    const simulation = this.scheduler?.currentSimulation ?? this.finalSimulation ?? this.liveSimulation;
    if (!simulation || !this.prepared) throw new Error('no parameters yet: the run has not started');
    const weights = await simulation.readWeights();
    if (this.members.length === 1) return this.prepared.parametersJson(weights);
    const perMember = weights as readonly unknown[];
    return {
      members: await Promise.all(this.members.map(async ({ index, label, overrides, config }) => {
        const prepared = index === 0 ? this.prepared! : await prepareRun(config, this.options.readText);
        return { index, label, overrides, parameters: prepared.parametersJson(perMember[index]) };
      })),
    };
  }

  /** The run so far in the CLI's result.json format (the final result once the run ended); a run set's is member 0's (see setSnapshot). */
  snapshot(): ExperimentResult {
    return this.memberSnapshot(this.members[0]!);
  }

  /** A run set so far: its config with the sweep, the set's summary and every member's result (the final ones once it ended). */
  setSnapshot(): RunSetSnapshot {
    const members = this.members.map((member) => ({ index: member.index, label: member.label, overrides: member.overrides, ...this.memberSnapshot(member) }));
    const first = members[0]!.summary;
    const stepsTaken = Math.max(...members.map((member) => member.summary.stepsTaken));
    const diverged = members.filter((member) => member.summary.diverged).length;
    const ended = this.status === 'diverged' ? 'every member diverged' : this.status === 'stopped' ? `stopped at step ${stepsTaken}` : 'completed';
    const status = this.result ? `${ended}${diverged > 0 && diverged < members.length ? `; ${diverged} of ${members.length} members diverged` : ''}` : `running (step ${stepsTaken})`;
    return {
      config: this.config,
      summary: { ...first, stepsTaken, finalLoss: first.finalLoss, diverged: diverged === members.length, status, memberCount: members.length },
      members,
    };
  }

  private memberSnapshot(member: SessionMember): ExperimentResult {
    if (member.result) return member.result;
    const wallSeconds = (performance.now() - this.started) / 1000;
    const stepsTaken = member.stepLosses.length;
    return {
      config: this.members.length === 1 ? this.config : member.config,
      metrics: member.rows,
      stepLosses: member.stepLosses,
      summary: {
        backend: this.config.backend, device: this.scheduler?.currentSimulation.device ?? '', stepsTaken,
        finalLoss: member.rows.at(-1)?.loss ?? member.stepLosses.at(-1) ?? NaN, diverged: false,
        status: `running (step ${stepsTaken})`, wallSeconds, stepsPerSecond: stepsTaken / Math.max(wallSeconds, 1e-9), events: this.events,
      },
    };
  }

  private attach(scheduler: Scheduler, prepared: PreparedRun): void {
    this.scheduler = scheduler;
    this.prepared = prepared;
    scheduler.setStepsPerSubmit(Math.min(this.frameSteps, scheduler.maxStepsPerSubmit));
    if (this.pendingLearningRate !== undefined) scheduler.setLearningRate(this.pendingLearningRate);
    this.pendingLearningRate = undefined;
    if (this.paused) scheduler.pause();
    this.setStatus(this.paused ? 'paused' : 'running');
    this.trackSimulation();
  }

  /** A device loss swaps the simulation: the views must follow the new buffers. */
  private trackSimulation(): void {
    const current = this.scheduler?.currentSimulation;
    const gpuSimulation = current instanceof GpuSimulation ? current : undefined;
    const setSimulation = current instanceof RunSetSimulation ? current : undefined;
    if (gpuSimulation === this.liveSimulation && setSimulation === this.liveSet) return;
    this.liveSimulation = gpuSimulation;
    this.liveSet = setSimulation;
    this.dispatchEvent(new CustomEvent('source'));
  }

  /** Each member's problem, for its views (two-layer members on the GPU); the same data and networks the run builds. */
  private async buildMemberProblems(configs: readonly ExperimentConfig[]): Promise<void> {
    if (configs[0]!.model.kind !== 'two-layer' || configs[0]!.backend !== 'gpu') return;
    try {
      this.memberProblems = await Promise.all(configs.map((config) => buildProblem(config, this.options.readText)));
      this.dispatchEvent(new CustomEvent('source'));
    } catch {
      // The run reports what is wrong with its configs; the views just stay empty.
    }
  }

  private onProgress(event: ProgressEvent): void {
    this.progress = event;
    const { firstStep = 0, losses = [] } = event;
    const count = this.members.length;
    const steps = losses.length / count;
    for (const member of this.members) {
      const stepLosses = member.stepLosses;
      for (let t = 0; t < steps; t++) stepLosses[firstStep + t] = losses[t * count + member.index]!;
    }
    this.trackSimulation();
    const stop = this.options.stopBelowLoss;
    // A run set stops once every member's latest loss is below the threshold.
    const latest = steps > 0 ? this.members.map((member) => losses[(steps - 1) * count + member.index]!) : [event.loss];
    if (stop !== undefined && latest.every((loss) => loss < stop)) {
      const shown = count === 1 ? `loss ${event.loss.toExponential(3)}` : `every member's loss (at most ${Math.max(...latest).toExponential(3)})`;
      this.message = `stopped: ${shown} fell below ${stop}`;
      this.scheduler?.stop();
    }
    this.dispatchEvent(new CustomEvent('progress', { detail: event }));
  }

  private finish(results: readonly ExperimentResult[]): void {
    results.forEach((memberResult, k) => {
      const member = this.members[k]!;
      // A resumed run's losses start at the checkpoint: keep ours before it.
      memberResult.stepLosses.forEach((loss, step) => (member.stepLosses[step] = loss));
      member.stepLosses.length = memberResult.summary.stepsTaken + (memberResult.summary.diverged ? 1 : 0);
      member.result = { ...memberResult, metrics: member.rows, stepLosses: member.stepLosses, summary: { ...memberResult.summary, events: this.events } };
    });
    const result = this.members[0]!.result!;
    this.result = result;
    // A run set has diverged only when every member has; otherwise it ended as its scheduler did.
    const everyDiverged = this.members.every((member) => member.result!.summary.diverged);
    const stopped = this.members.some((member) => member.result!.summary.status.startsWith('stopped'));
    this.status = everyDiverged ? 'diverged' : stopped ? 'stopped' : 'completed';
    const diverged = this.divergedMembers;
    const endStatus = this.members.length === 1 ? result.summary.status : everyDiverged ? 'every member diverged' : stopped ? `stopped at step ${this.stepsTaken}` : 'completed';
    const note = this.members.length > 1 && diverged.length > 0 && !everyDiverged ? `; ${diverged.length} of ${this.members.length} members diverged (${diverged.map((member) => member.label).join('; ')})` : '';
    if (!this.message || this.status !== 'stopped') this.message = `${endStatus}${note}`;
    // The last state stays on screen: the simulation lives until destroy().
    this.finalSimulation = this.scheduler?.currentSimulation;
    this.scheduler = undefined;
    this.dispatchEvent(new CustomEvent('end'));
  }

  private setStatus(status: SessionStatus): void {
    this.status = status;
    this.dispatchEvent(new CustomEvent('progress'));
  }
}
