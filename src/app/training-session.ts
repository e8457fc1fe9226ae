/**
 * One live run in the app: the CLI's runExperiment (same scheduler, same result format) paced to
 * animation frames, with the controls a user needs between chunks: pause, step, stop, learning-rate
 * and speed changes, a batch-size change that continues from a checkpoint instead of resetting, and
 * an optional stop condition on the loss. Events: 'progress', 'metrics', 'source' (the live buffers
 * changed: first start, device loss, batch change), 'end'.
 */
import { optimizerSchema, type ExperimentConfig } from '../config/schema';
import { GpuSimulation } from '../models/two-layer/gpu-simulation';
import type { Problem } from '../models/two-layer/problem';
import type { ReadText } from '../data/create';
import { runExperiment, type ExperimentResult } from '../run/run-experiment';
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

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

export class TrainingSession extends EventTarget {
  readonly rows: MetricsRow[] = [];
  readonly stepLosses: number[] = [];
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
  private stepsPerFrame: number;
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
    this.stepsPerFrame = Math.min(options.stepsPerFrame, config.stepsPerSubmit);
    this.paused = options.startPaused ?? false;
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
      const result = await runExperiment(this.config, {
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
        onMetrics: (row) => {
          if (this.rows.length > 0 && this.rows.at(-1)!.step >= row.step) return; // a resumed run's first row repeats the last one
          this.rows.push(row);
          this.dispatchEvent(new CustomEvent('metrics', { detail: row }));
        },
      });
      if (!this.restarting) this.finish(result);
    } catch (error) {
      if (this.restarting) return;
      this.status = 'failed';
      this.message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.dispatchEvent(new CustomEvent('end'));
    }
  }

  get live(): LiveNetwork | undefined {
    const simulation = this.liveSimulation;
    if (!simulation) return undefined;
    const { gpu, a, W, b } = simulation.liveParameters;
    return { gpu, a, W, ...(b ? { b } : {}), problem: simulation.trainedProblem };
  }

  get stepsTaken(): number {
    return this.result?.summary.stepsTaken ?? this.scheduler?.currentSimulation.stepsTaken ?? 0;
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
    this.stepsPerFrame = steps;
    this.scheduler?.setStepsPerSubmit(steps);
  }

  /**
   * A new minibatch size without a reset: the weights, step counter and optimizer state move to a
   * simulation built for the new batch (the minibatch stream goes on from the same step).
   */
  async setBatchSize(batchSize: number | undefined): Promise<void> {
    const scheduler = this.scheduler;
    if (!scheduler || this.restarting) throw new Error('the run is not running: change the batch size in the config and reset');
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
  }

  /** The current parameters (a small readback, only when the user asks). */
  async parameters(): Promise<unknown> {
    const simulation = this.scheduler?.currentSimulation ?? this.liveSimulation;
    if (!simulation || !this.prepared) throw new Error('no parameters yet: the run has not started');
    return this.prepared.parametersJson(await simulation.readWeights());
  }

  /** The run so far in the CLI's result.json format (the final result once the run ended). */
  snapshot(): ExperimentResult {
    if (this.result) return this.result;
    const wallSeconds = (performance.now() - this.started) / 1000;
    const stepsTaken = this.stepLosses.length;
    return {
      config: this.config,
      metrics: this.rows,
      stepLosses: this.stepLosses,
      summary: {
        backend: this.config.backend, device: this.scheduler?.currentSimulation.device ?? '', stepsTaken,
        finalLoss: this.rows.at(-1)?.loss ?? this.stepLosses.at(-1) ?? NaN, diverged: false,
        status: `running (step ${stepsTaken})`, wallSeconds, stepsPerSecond: stepsTaken / Math.max(wallSeconds, 1e-9), events: this.events,
      },
    };
  }

  private attach(scheduler: Scheduler, prepared: PreparedRun): void {
    this.scheduler = scheduler;
    this.prepared = prepared;
    scheduler.setStepsPerSubmit(Math.min(this.stepsPerFrame, scheduler.maxStepsPerSubmit));
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
    if (gpuSimulation === this.liveSimulation) return;
    this.liveSimulation = gpuSimulation;
    this.dispatchEvent(new CustomEvent('source'));
  }

  private onProgress(event: ProgressEvent): void {
    this.progress = event;
    const { firstStep = 0, losses = [] } = event;
    for (let t = 0; t < losses.length; t++) this.stepLosses[firstStep + t] = losses[t]!;
    this.trackSimulation();
    const stop = this.options.stopBelowLoss;
    if (stop !== undefined && event.loss < stop) {
      this.message = `stopped: loss ${event.loss.toExponential(3)} fell below ${stop}`;
      this.scheduler?.stop();
    }
    this.dispatchEvent(new CustomEvent('progress', { detail: event }));
  }

  private finish(result: ExperimentResult): void {
    // A resumed run's losses start at the checkpoint: keep ours before it.
    result.stepLosses.forEach((loss, step) => (this.stepLosses[step] = loss));
    this.stepLosses.length = result.summary.stepsTaken + (result.summary.diverged ? 1 : 0);
    this.result = { ...result, metrics: this.rows, stepLosses: this.stepLosses, summary: { ...result.summary, events: this.events } };
    this.status = result.summary.diverged ? 'diverged' : result.summary.status === 'completed' ? 'completed' : 'stopped';
    if (!this.message || this.status !== 'stopped') this.message = result.summary.status;
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
