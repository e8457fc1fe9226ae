/**
 * One live run in the app: the CLI's runRunSet (same scheduler, same result format) paced to animation
 * frames, with the controls a user needs between chunks: pause, step, stop, learning-rate and speed
 * changes, a batch-size change that continues from a checkpoint instead of resetting, playing on after the
 * end (another run length from where it ended), and an optional stop condition on the loss. A config with a
 * `sweep` block is a run set: every member trains live, together, each with its own rows, step losses and
 * live buffers (members[k]); a config without one is a set of one, the single run as before (rows and
 * stepLosses are member 0's). Events: 'progress', 'metrics' (detail: the row; `member` on the event),
 * 'source' (the live buffers changed: first start, device loss, batch change, playing on), 'end'.
 */
import { optimizerSchema, type ExperimentConfig } from '../config/schema';
import type { RunSetMember } from '../config/run-set';
import { buildProblem } from '../models/two-layer/problem';
import type { ReadText } from '../data/create';
import { runRunSet, type ExperimentResult } from '../run/run-experiment';
import type { PreparedRun } from '../models/model-kind';
import type { Checkpoint, Simulation } from '../core/simulation';
import { checkLearningRate } from '../core/update-settings';
import type { GpuContext } from '../gpu/device';
import type { ProgressEvent, Scheduler } from '../run/scheduler';
import type { MetricsRow } from '../core/simulation';
import { UploadNotInTabError } from './browser-files';
import { LiveBuffers, type LiveLandscape, type LiveNetwork } from './live-buffers';
import { RowCompletion } from './row-completion';
import { memberLabel, membersOf, membersParametersJson, type SessionMember } from './session-member';
import { endOf, stopRuleMessage } from './session-end';
import { memberSoFar, runSetSnapshot, type RunSetSnapshot } from './session-snapshot';
import { readAtStepBoundary, type ParameterSnapshot } from './parameter-snapshot';

export { memberLabel, type SessionMember } from './session-member';
export type { LiveLandscape, LiveNetwork } from './live-buffers';
export type { RunSetSnapshot } from './session-snapshot';

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
  /**
   * What the views draw until this run's own buffers exist: the replaced run's last state (kept alive by the
   * caller until this run's 'source' or 'end'), so a restart does not blank the views.
   */
  readonly standIn?: LiveNetwork;
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** The config with another run length (playing on after the end). */
const withSteps = (config: ExperimentConfig, steps: number): ExperimentConfig => ({ ...config, steps }) as ExperimentConfig;

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
  /** What made the run fail (status 'failed'), as thrown: the page tells an upload missing from this tab apart. */
  error: unknown;
  progress: ProgressEvent | undefined;
  result: ExperimentResult | undefined;
  private scheduler: Scheduler | undefined;
  /** The prepared model kind of the current run (its parameters' JSON form). */
  private prepared: PreparedRun | undefined;
  private finalSimulation: Simulation<unknown> | undefined;
  /** What the views draw from (the stand-in until the run's own buffers exist). */
  private readonly liveBuffers: LiveBuffers;
  /** Why the config's members could not be made (reported when the run starts). */
  private readonly setupError: unknown;
  private frameSteps: number;
  /**
   * A rate asked for while no simulation holds the run's rate (before the scheduler attaches, or during a
   * batch-size switch): the next attach hands it down. Otherwise the running simulation owns the rate.
   */
  private pendingLearningRate: number | undefined;
  private paused: boolean;
  /** The run's end is not reported: a batch-size switch restarts it, or it was halted or destroyed. */
  private restarting = false;
  /** Halted (replaced by another run) or destroyed: a scheduler that attaches now is stopped at once. */
  private halted = false;
  /** Aborted on halt: a run replaced while it is set up stops building and frees what it built (runRunSet's setUpSignal). */
  private readonly setUp = new AbortController();
  /** Per member: the rows held back until the loss after their step is known (energyResidual). */
  private readonly completions: RowCompletion[];
  /** The steps one more play after the end adds: the config's own run length. */
  private readonly runLength: number;
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
    this.completions = this.members.map((member) => new RowCompletion(member.config));
    this.frameSteps = Math.min(options.stepsPerFrame, config.stepsPerSubmit);
    this.paused = options.startPaused ?? false;
    this.runLength = config.steps;
    this.liveBuffers = new LiveBuffers(options.standIn, options.pace ?? nextFrame);
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
      if (configs.length > 1 && !this.halted) void this.buildMemberProblems(configs);
      const results = await runRunSet(configs, {
        requestGpu: this.options.requestGpu,
        setUpSignal: this.setUp.signal,
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
        onMetrics: (row, member) => this.onRow(row, member),
      });
      if (!this.restarting) this.finish(results);
    } catch (error) {
      if (!this.restarting) this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.status = 'failed';
    this.error = error;
    // A missing upload is the user's situation, not a program error: its message is written for the page.
    this.message = error instanceof UploadNotInTabError ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.liveBuffers.dropStandIn();
    this.dispatchEvent(new CustomEvent('end'));
  }

  /** What the views draw: the single run's live buffers, or member 0's in a run set. */
  get live(): LiveNetwork | undefined {
    return this.memberLive(0);
  }

  /**
   * Member k's live buffers and problem, kept current as the run steps; undefined before the run started (but
   * for the stand-in it was given), and for members without live buffers (float64, model kinds other than two-layer).
   */
  memberLive(member: number): LiveNetwork | undefined {
    return this.liveBuffers.member(member, this.status === 'starting');
  }

  /**
   * Member k's landscape particles as live GPU buffers, current after every chunk; undefined before the run has
   * them and for other model kinds (see memberLive) or the float64 backend.
   */
  memberLandscape(member: number): LiveLandscape | undefined {
    return this.liveBuffers.landscapeMember(member);
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

  /** Whether Play can go on after the end: a run that completed or was stopped, with no member diverged. */
  get canContinue(): boolean {
    return (this.status === 'completed' || this.status === 'stopped') && this.finalSimulation !== undefined && this.divergedMembers.length === 0;
  }

  /**
   * Play after the end: the same run goes on from where it ended (its checkpoint: weights, step counter,
   * optimizer state) for another run length (the config's steps), appending to its rows and losses; its
   * config's steps become the new end. The views keep the ended state until the new simulation draws.
   */
  async continueRun(): Promise<void> {
    const simulation = this.finalSimulation;
    if (!simulation || !this.canContinue) throw new Error(`the run cannot go on from '${this.status}': only a completed or stopped run without a diverged member does; rewind instead`);
    this.finalSimulation = undefined; // a second Play while the checkpoint is read does nothing
    let checkpoint: Checkpoint<unknown>;
    try {
      checkpoint = { ...(await simulation.checkpoint()), learningRate: simulation.learningRate };
    } catch (error) {
      this.finalSimulation = simulation; // still on screen, and the run can be tried again
      this.fail(error);
      return;
    }
    const from = checkpoint.stepsTaken;
    const end = from + this.runLength;
    this.liveBuffers.retire(simulation);
    this.config = withSteps(this.config, end);
    this.members.forEach((member, k) => {
      (member as { config: ExperimentConfig }).config = this.members.length === 1 ? this.config : withSteps(member.config, end);
      member.result = undefined;
      // The row at the end was completed without the next loss: the run going on logs it again and completes it.
      if (this.completions[k]!.waitsForNextLoss && member.rows.at(-1)?.step === from) member.rows.pop();
    });
    this.result = undefined;
    this.message = '';
    this.paused = false;
    this.events.push(`played on from step ${from} to step ${end}`);
    this.setStatus('running');
    void this.start(checkpoint);
  }

  /** Stops training at the next chunk without reporting an end; the buffers stay (the views may still draw them) until destroy(). */
  halt(): void {
    this.restarting = true;
    this.halted = true;
    this.setUp.abort();
    this.scheduler?.stop();
    this.scheduler?.resume();
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
    this.liveBuffers.retire(scheduler.currentSimulation);
    const { batchSize: _old, ...optimizer } = this.config.optimizer;
    this.config = { ...this.config, optimizer: batchSize === undefined ? optimizer : { ...optimizer, batchSize } } as ExperimentConfig;
    (this.members[0] as { config: ExperimentConfig }).config = this.config; // a single run's one member is the run
    this.stepLosses.length = checkpoint.stepsTaken;
    while (this.rows.length > 0 && this.rows.at(-1)!.step > checkpoint.stepsTaken) this.rows.pop();
    this.completions[0]!.dropAfter(checkpoint.stepsTaken);
    this.scheduler = undefined;
    this.restarting = false;
    this.paused = wasPaused;
    this.events.push(`batch size changed to ${batchSize ?? 'full batch'} at step ${checkpoint.stepsTaken}`);
    void this.start(checkpoint);
  }

  /** Ends the run and frees its GPU buffers. */
  async destroy(): Promise<void> {
    this.halt(); // nothing more to report
    await this.done;
    this.finalSimulation?.destroy();
    this.scheduler?.currentSimulation.destroy();
    this.liveBuffers.destroy();
  }

  /**
   * The current parameters (a small readback, only when the user asks); a run set's as
   * {members: [{index, label, overrides, parameters}]}, each in its model kind's own form.
   */
  async parameters(): Promise<unknown> {
    const simulation = this.scheduler?.currentSimulation ?? this.finalSimulation;
    if (!simulation || !this.prepared) throw new Error('no parameters yet: the run has not started');
    const weights = await simulation.readWeights();
    if (this.members.length === 1) return this.prepared.parametersJson(weights);
    return membersParametersJson(this.members, weights as readonly unknown[], this.prepared, this.options.readText);
  }

  /**
   * Member k's parameters after exactly the step they report, with the run's device on the GPU backend, for an
   * analysis of the current state: the scheduler holds between chunks while they are read (parameter-snapshot.ts),
   * then goes on unless the run was paused meanwhile.
   */
  async parametersAtStep(member: number): Promise<ParameterSnapshot> {
    const scheduler = this.scheduler;
    const simulation = scheduler?.currentSimulation ?? this.finalSimulation;
    if (!simulation || !this.members[member]) throw new RangeError(`no parameters of member ${member}: the run has not started, or has no such member`);
    scheduler?.pause();
    try {
      const { step, weights } = await readAtStepBoundary(simulation);
      const gpu = this.config.backend === 'gpu' ? await this.options.requestGpu() : undefined;
      return { step, weights: this.members.length === 1 ? weights : (weights as readonly unknown[])[member], ...(gpu ? { gpu } : {}) };
    } finally {
      if (!this.paused) scheduler?.resume();
    }
  }

  /** The run so far in the CLI's result.json format (the final result once the run ended); a run set's is member 0's (see setSnapshot). */
  snapshot(): ExperimentResult {
    return this.memberSnapshot(this.members[0]!);
  }

  /** A run set so far: its config with the sweep, the set's summary and every member's result (the final ones once it ended). */
  setSnapshot(): RunSetSnapshot {
    const members = this.members.map((member) => ({ index: member.index, label: member.label, overrides: member.overrides, ...this.memberSnapshot(member) }));
    const ended = this.result && (this.status === 'diverged' || this.status === 'stopped') ? this.status : this.result ? 'completed' : undefined;
    return runSetSnapshot(this.config, members, ended);
  }

  /** The member's result once the run ended; while it trains, the result of a run stopped at its latest known loss. */
  private memberSnapshot(member: SessionMember): ExperimentResult {
    if (member.result) return member.result;
    return memberSoFar(member, {
      config: this.members.length === 1 ? this.config : member.config,
      backend: this.config.backend,
      device: this.scheduler?.currentSimulation.device ?? '',
      wallSeconds: (performance.now() - this.started) / 1000,
      events: this.events,
      lossMetric: this.prepared?.lossMetric ?? 'loss',
    });
  }

  /** A logged row: charted once complete (an energyResidual row once the next step's loss is back). */
  private onRow(row: MetricsRow, k: number): void {
    const member = this.members[k]!;
    const completion = this.completions[k]!;
    const latest = Math.max(member.rows.at(-1)?.step ?? -1, completion.lastWaitingStep ?? -1);
    if (latest >= row.step) return; // a resumed run's first row repeats the last one
    this.appendRows(k, completion.add(row, member.stepLosses));
  }

  private appendRows(k: number, rows: readonly MetricsRow[]): void {
    for (const row of rows) {
      this.members[k]!.rows.push(row);
      this.dispatchEvent(Object.assign(new CustomEvent('metrics', { detail: row }), { member: k }));
    }
  }

  private attach(scheduler: Scheduler, prepared: PreparedRun): void {
    this.scheduler = scheduler;
    this.prepared = prepared;
    if (this.halted) {
      // Replaced before it started (runRunSet gives up a run halted while it is set up; a guard should one attach anyway): it ends at once, its simulation kept for destroy().
      scheduler.stop();
      return;
    }
    scheduler.setStepsPerSubmit(Math.min(this.frameSteps, scheduler.maxStepsPerSubmit));
    if (this.pendingLearningRate !== undefined) scheduler.setLearningRate(this.pendingLearningRate);
    this.pendingLearningRate = undefined;
    if (this.paused) scheduler.pause();
    this.setStatus(this.paused ? 'paused' : 'running');
    this.trackSimulation();
  }

  /** A device loss, a batch switch or playing on swaps the simulation: the views must follow the new buffers. */
  private trackSimulation(): void {
    if (this.liveBuffers.follow(this.scheduler?.currentSimulation)) this.dispatchEvent(new CustomEvent('source'));
  }

  /** Each member's problem, for its views (two-layer members on the GPU); the same data and networks the run builds. */
  private async buildMemberProblems(configs: readonly ExperimentConfig[]): Promise<void> {
    if (configs[0]!.model.kind !== 'two-layer' || configs[0]!.backend !== 'gpu') return;
    try {
      this.liveBuffers.setProblems(await Promise.all(configs.map((config) => buildProblem(config, this.options.readText))));
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
      this.appendRows(member.index, this.completions[member.index]!.settle(stepLosses));
    }
    this.trackSimulation();
    const stopped = stopRuleMessage(event, count, this.options.stopBelowLoss);
    if (stopped) {
      this.message = stopped;
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
      this.appendRows(k, this.completions[k]!.flush(member.stepLosses));
      member.result = { ...memberResult, metrics: member.rows, stepLosses: member.stepLosses, summary: { ...memberResult.summary, events: this.events } };
    });
    this.result = this.members[0]!.result!;
    const { status, message } = endOf(this.members, this.stepsTaken);
    this.status = status;
    // A stop rule's message says more than "stopped at step k".
    if (!this.message || status !== 'stopped') this.message = message;
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
