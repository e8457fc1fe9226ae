/**
 * Runs a Simulation to completion in chunks of steps, one queue submit each, with two chunks in
 * flight so the GPU never waits for the CPU's readback. Metrics are evaluated at every
 * `metricsEvery` steps, checkpoints kept every `checkpointEvery` steps; a non-finite loss ends the
 * run as a result ("diverged at step k"), not a crash. Pause, resume, step-once, stop and
 * learning-rate changes act between chunks. A lost GPU device is replaced through `recover`, and
 * the run resumes from the last checkpoint.
 */
import { DeviceLostError, type Checkpoint, type MetricsRow, type Simulation } from '../core/simulation';

export interface SchedulerOptions {
  readonly totalSteps: number;
  /** Steps per queue submit. */
  readonly stepsPerSubmit: number;
  /** Evaluate `metricNames` every this many steps (and at step 0 and at the end)... */
  readonly metricsEvery: number;
  /** ...or at exactly these steps (ascending; the linear model logs log-spaced steps), and at the end. */
  readonly metricSteps?: readonly number[];
  /** Progress reports this metric's latest value as the loss when steps report none (the landscape: meanValue). Default 'loss'. */
  readonly progressMetric?: string;
  readonly metricNames: readonly string[];
  /** Keep a checkpoint every this many steps; 0 keeps only the one at step 0. */
  readonly checkpointEvery: number;
  /**
   * Builds a fresh simulation (new device) after a device loss, restored from `checkpoint`; undefined when the
   * device was lost before the first checkpoint was taken (the fresh simulation starts where the run started).
   */
  readonly recover?: (checkpoint: Checkpoint<unknown> | undefined) => Promise<Simulation<unknown>>;
  /** Give up after this many device losses (default 3). */
  readonly maxRecoveries?: number;
  /**
   * Awaited before a frame's steps: the app passes the next animation frame, so stepsPerSubmit steps run per
   * frame. A chunk cut short by a logged step or a checkpoint leaves the rest of that frame's steps to the next
   * chunk, which does not wait for another frame.
   */
  readonly pace?: () => Promise<unknown>;
  /** A saved run's logs up to its checkpoint (the simulation restored there): the run goes on from them. */
  readonly startLog?: RunLog;
  /**
   * Awaited at every kept checkpoint and at a stop, with nothing in flight: the CLI writes it to disk. The log
   * is live (not a copy): read what is needed before resolving.
   */
  readonly onCheckpoint?: (checkpoint: Checkpoint<unknown>, log: RunLog) => Promise<void>;
}

/** What a run has logged so far, per member: enough, with a checkpoint, to go on exactly as if never stopped. */
export interface RunLog {
  readonly members: readonly MemberLog[];
  /** Device losses and resumptions so far. */
  readonly events: readonly string[];
}

export interface MemberLog {
  readonly rows: readonly MetricsRow[];
  /** Loss before each step (entries from lossLimit on are not the member's). */
  readonly stepLosses: readonly number[];
  readonly divergedAt?: number;
  /** Step losses kept: all (Infinity) until it diverges, then up to the loss that went non-finite. */
  readonly lossLimit: number;
}

export interface ProgressEvent {
  readonly step: number;
  readonly totalSteps: number;
  readonly stepsPerSecond: number;
  /** Seconds left at the current rate. */
  readonly etaSeconds: number;
  /** Loss before the latest completed step (a run set: its first member's). */
  readonly loss: number;
  /** Runs stepped together (a run set's N; 1 for a single run). */
  readonly memberCount: number;
  /**
   * The chunk just read back (runs with a per-step loss): the loss before each of its steps, the first being
   * step `firstStep`; step-major for a run set (step t, member k at t * memberCount + k).
   */
  readonly firstStep?: number;
  readonly losses?: ArrayLike<number>;
}

/** What one member of the run (the run itself, or one run of a run set) came to. */
export interface MemberOutcome {
  /** One row per logged step. */
  readonly rows: MetricsRow[];
  /** Loss before each step taken (on that step's batch). */
  readonly stepLosses: number[];
  /** Steps taken, up to its divergence. */
  readonly stepsTaken: number;
  /** First step whose loss was NaN or infinite. */
  readonly divergedAt?: number;
}

export interface RunOutcome {
  /** One per member, in member order (a single run: one). */
  readonly members: readonly MemberOutcome[];
  /** Steps the simulation took (a run set goes on until its last member diverges). */
  readonly stepsTaken: number;
  readonly stopped: boolean;
  /** What happened along the way that a user should know (device losses and resumptions). */
  readonly events: string[];
  readonly lastCheckpoint: Checkpoint<unknown>;
}

/** One member's log as the run writes it: a MemberLog that grows (a checkpoint hands it on as it stands). */
interface GrowingLog extends MemberLog {
  readonly rows: MetricsRow[];
  readonly stepLosses: number[];
  divergedAt?: number;
  lossLimit: number;
}

export class Scheduler {
  private paused = false;
  private stopped = false;
  private singleSteps = 0;
  private stepsPerSubmit: number;
  private wake: (() => void) | undefined;
  private readonly progressListeners: ((event: ProgressEvent) => void)[] = [];
  private readonly metricsListeners: ((row: MetricsRow, member: number) => void)[] = [];
  private readonly eventListeners: ((event: string) => void)[] = [];

  constructor(
    private simulation: Simulation<unknown>,
    private readonly options: SchedulerOptions,
  ) {
    for (const key of ['totalSteps', 'stepsPerSubmit', 'metricsEvery'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) throw new RangeError(`scheduler: ${key} must be a positive integer, got ${options[key]}`);
    }
    this.stepsPerSubmit = options.stepsPerSubmit;
  }

  onProgress(listener: (event: ProgressEvent) => void): void {
    this.progressListeners.push(listener);
  }

  /** Each logged row, with the member it belongs to (0 for a single run). */
  onMetrics(listener: (row: MetricsRow, member: number) => void): void {
    this.metricsListeners.push(listener);
  }

  /** Events as they happen (device losses and resumptions), the same lines the outcome lists. */
  onEvent(listener: (event: string) => void): void {
    this.eventListeners.push(listener);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  /** While paused: take exactly one more step. */
  stepOnce(): void {
    this.singleSteps++;
    this.wake?.();
  }

  /** Ends the run after the chunks in flight; the outcome keeps everything up to then. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /**
   * Replaces the run's base rate lr0 from the next submitted chunk on. The simulation owns the rate and
   * validates it (InvalidLearningRateError); this only passes it down.
   */
  setLearningRate(learningRate: number): void {
    this.simulation.setLearningRate(learningRate);
  }

  /**
   * From the next chunk on; at most the options' stepsPerSubmit, the size the simulation was built
   * for (its per-submit buffers).
   */
  setStepsPerSubmit(stepsPerSubmit: number): void {
    if (!Number.isInteger(stepsPerSubmit) || stepsPerSubmit < 1 || stepsPerSubmit > this.options.stepsPerSubmit) {
      throw new RangeError(`scheduler: stepsPerSubmit must be an integer in [1, ${this.options.stepsPerSubmit}], got ${stepsPerSubmit}`);
    }
    this.stepsPerSubmit = stepsPerSubmit;
  }

  /** The most steps one submit may take (setStepsPerSubmit's bound). */
  get maxStepsPerSubmit(): number {
    return this.options.stepsPerSubmit;
  }

  get currentSimulation(): Simulation<unknown> {
    return this.simulation;
  }

  async run(): Promise<RunOutcome> {
    const { startLog, onCheckpoint } = this.options;
    const events: string[] = [...(startLog?.events ?? [])];
    const members = this.simulation.memberCount;
    const logs = startingLogs(members, startLog);
    let checkpoint: Checkpoint<unknown> | undefined;
    const keepCheckpoint = async (kept: Checkpoint<unknown>) => {
      checkpoint = kept;
      await onCheckpoint?.(kept, { members: logs, events });
    };
    let recoveries = 0;
    const maxRecoveries = this.options.maxRecoveries ?? 3;
    const report = (event: string) => {
      events.push(event);
      for (const listener of this.eventListeners) listener(event);
    };
    for (;;) {
      try {
        if (!checkpoint) await keepCheckpoint(await this.simulation.checkpoint());
        await this.runFrom(logs, keepCheckpoint, recoveries > 0 || startLog !== undefined);
        const stepsTaken = this.simulation.stepsTaken;
        return {
          members: logs.map(({ rows, stepLosses, divergedAt }) => (
            { rows, stepLosses, stepsTaken: Math.min(stepsTaken, divergedAt ?? Infinity), ...(divergedAt !== undefined ? { divergedAt } : {}) }
          )),
          stepsTaken, stopped: this.stopped, events, lastCheckpoint: checkpoint!,
        };
      } catch (error) {
        if (!(error instanceof DeviceLostError) || !this.options.recover || recoveries >= maxRecoveries) throw error;
        recoveries++;
        const lostAt = this.simulation.stepsTaken;
        // The rate in force goes on: a live change after the checkpoint must not fall back to the checkpoint's.
        const learningRate = this.simulation.learningRate;
        this.simulation.destroy();
        // The new device may be lost too while the run is built on it: build again, each loss counted as a recovery.
        for (;;) {
          try {
            this.simulation = await this.options.recover(checkpoint && { ...checkpoint, learningRate });
            break;
          } catch (rebuildError) {
            if (!(rebuildError instanceof DeviceLostError) || recoveries >= maxRecoveries) throw rebuildError;
            recoveries++;
            report(`GPU device lost while the run was set up on a new device after a device loss (${rebuildError.message}); set up again on another`);
          }
        }
        if (!checkpoint) this.simulation.setLearningRate(learningRate);
        const resumedAt = this.simulation.stepsTaken;
        // Forget what came after the checkpoint: the resumed run recomputes it identically.
        for (const log of logs) {
          log.stepLosses.length = Math.min(log.stepLosses.length, resumedAt);
          while (log.rows.length > 0 && log.rows.at(-1)!.step > resumedAt) log.rows.pop();
          if ((log.divergedAt ?? -1) > resumedAt) {
            delete log.divergedAt;
            log.lossLimit = Infinity;
          }
        }
        const from = checkpoint ? `the checkpoint at step ${resumedAt}` : `step ${resumedAt}, where the run started`;
        report(`GPU device lost near step ${lostAt} (${error.message}); resumed from ${from} on a new device (${this.simulation.device})`);
      }
    }
  }

  /** Runs until the end, a stop, or until every member has diverged; `resumed`: after a device loss, from a checkpoint. */
  private async runFrom(logs: GrowingLog[], keepCheckpoint: (c: Checkpoint<unknown>) => Promise<void>, resumed: boolean): Promise<void> {
    const { totalSteps, checkpointEvery, metricNames, pace } = this.options;
    const sim = this.simulation;
    const members = sim.memberCount;
    const metricSteps = metricStepsOf(this.options);
    const inFlight: { firstStep: number; stepCount: number; losses: Promise<ArrayLike<number>> }[] = [];
    const started = performance.now();
    const startStep = sim.stepsTaken;
    const allDiverged = () => logs.every((log) => log.divergedAt !== undefined);
    const progressMetric = this.options.progressMetric ?? 'loss';

    const drainOne = async () => {
      const chunk = inFlight.shift()!;
      const losses = await chunk.losses;
      const stepCount = losses.length / members;
      for (let t = 0; t < stepCount; t++) {
        logs.forEach((log, k) => {
          const step = chunk.firstStep + t;
          // A diverged member keeps stepping with the others; nothing after its divergence is kept.
          if (step >= log.lossLimit) return;
          const loss = losses[t * members + k]!;
          log.stepLosses[step] = loss;
          if (log.divergedAt === undefined && !Number.isFinite(loss)) {
            log.divergedAt = step;
            log.lossLimit = step + 1;
          }
        });
      }
      const step = chunk.firstStep + chunk.stepCount;
      const seconds = (performance.now() - started) / 1000;
      const stepsPerSecond = (step - startStep) / Math.max(seconds, 1e-9);
      const loss = stepCount > 0 ? losses[(stepCount - 1) * members]! : logs[0]!.rows.at(-1)?.[progressMetric] ?? NaN;
      const event = { step, totalSteps, stepsPerSecond, etaSeconds: (totalSteps - step) / Math.max(stepsPerSecond, 1e-9), loss, memberCount: members, firstStep: chunk.firstStep, losses };
      for (const listener of this.progressListeners) listener(event);
    };
    const logMetrics = async () => {
      const step = sim.stepsTaken;
      const values = await sim.evaluate(metricNames);
      logs.forEach((log, k) => {
        if (log.divergedAt !== undefined) return; // nothing is computed from a non-finite state
        const row: MetricsRow = { step, ...values[k] };
        log.rows.push(row);
        for (const listener of this.metricsListeners) listener(row, k);
        // The run's loss (the landscape: its particles' mean value) gone non-finite at a logged step ends the member.
        const loss = row[progressMetric] ?? row.loss;
        if (loss !== undefined && !Number.isFinite(loss)) {
          log.divergedAt = row.step;
          // Found at a logged step, not in a step's loss: a run alone stops here and never takes step `step`.
          log.lossLimit = row.step;
          log.stepLosses.length = Math.min(log.stepLosses.length, row.step);
        }
      });
    };
    const lastLogged = () => Math.max(...logs.map((log) => log.rows.at(-1)?.step ?? -1));

    // A fresh start logs where it starts; a resumed one only where the uninterrupted run would have logged.
    if (lastLogged() < sim.stepsTaken && (!resumed || metricSteps.includes(sim.stepsTaken))) await logMetrics();
    let lastYield = performance.now();
    /** Steps this frame may still take (paced runs only). */
    let frameLeft = 0;
    while (sim.stepsTaken < totalSteps && !this.stopped && !allDiverged()) {
      // A backend that settles at once (the CPU reference) would chain microtasks forever: give
      // timers, input and pause/stop requests a turn every 16 ms.
      if (performance.now() - lastYield > 16) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      if (this.paused && this.singleSteps === 0) {
        while (inFlight.length > 0) await drainOne();
        // A resume, step or stop that came while draining found no waiter to wake: look again first.
        if (this.paused && this.singleSteps === 0 && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const single = this.paused && this.singleSteps > 0;
      if (pace && (frameLeft === 0 || single)) {
        await pace();
        frameLeft = this.stepsPerSubmit;
      }
      const taken = sim.stepsTaken;
      const nextMetrics = metricSteps.next(taken);
      const nextCheckpoint = checkpointEvery > 0 ? (Math.floor(taken / checkpointEvery) + 1) * checkpointEvery : Infinity;
      const boundary = Math.min(nextMetrics, nextCheckpoint, totalSteps);
      if (single) this.singleSteps--;
      // A speed change (setStepsPerSubmit) holds from this chunk on.
      const perChunk = pace ? Math.min(frameLeft, this.stepsPerSubmit) : this.stepsPerSubmit;
      const chunk = single ? 1 : Math.min(perChunk, boundary - taken);
      frameLeft = single ? 0 : perChunk - chunk;
      const losses = sim.submitSteps(chunk);
      // With two chunks in flight a lost device fails both; the first failure ends this loop and the second is
      // never awaited: mark it handled here, so it cannot end the process as an unhandled rejection.
      losses.catch(() => undefined);
      inFlight.push({ firstStep: taken, stepCount: chunk, losses });
      const atBoundary = sim.stepsTaken === boundary || single;
      if (inFlight.length >= 2 || atBoundary) await drainOne();
      if (!atBoundary) continue;
      while (inFlight.length > 0) await drainOne();
      if (allDiverged()) break;
      if (metricSteps.includes(sim.stepsTaken) || sim.stepsTaken === totalSteps || single) await logMetrics();
      if (checkpointEvery > 0 && sim.stepsTaken % checkpointEvery === 0) await keepCheckpoint(await sim.checkpoint());
    }
    while (inFlight.length > 0) await drainOne();
    if (this.stopped && !allDiverged() && this.options.onCheckpoint && sim.stepsTaken < totalSteps) {
      // Stopped (an interrupt): keep where it stopped, before the stop's own row, which the run going on would not log.
      await keepCheckpoint(await sim.checkpoint());
    }
    if (this.stopped && !allDiverged() && lastLogged() < sim.stepsTaken) await logMetrics();
    // Keep everything up to each divergence, nothing computed from a non-finite state after it.
    for (const log of logs) {
      const step = log.divergedAt;
      if (step === undefined) continue;
      log.stepLosses.length = Math.min(log.stepLosses.length, log.lossLimit);
      while (log.rows.length > 0 && log.rows.at(-1)!.step > step) log.rows.pop();
    }
  }
}

/** Each member's log to go on from: the saved one's (copied, so the saved log stays as it was), or empty. */
function startingLogs(members: number, start: RunLog | undefined): GrowingLog[] {
  if (start && start.members.length !== members) throw new RangeError(`scheduler: the saved log has ${start.members.length} members, the simulation ${members}`);
  return Array.from({ length: members }, (_, k): GrowingLog => {
    const saved = start?.members[k];
    if (!saved) return { rows: [], stepLosses: [], lossLimit: Infinity };
    const log: GrowingLog = { rows: [...saved.rows], stepLosses: saved.stepLosses.slice(0, saved.lossLimit), lossLimit: saved.lossLimit };
    if (saved.divergedAt !== undefined) log.divergedAt = saved.divergedAt;
    return log;
  });
}

/** The steps after which the scheduler logs metrics: every metricsEvery steps, or the listed ones. */
function metricStepsOf(options: SchedulerOptions): { next(after: number): number; includes(step: number): boolean } {
  const { metricsEvery, metricSteps } = options;
  if (!metricSteps) return { next: (after) => (Math.floor(after / metricsEvery) + 1) * metricsEvery, includes: (step) => step % metricsEvery === 0 };
  const listed = new Set(metricSteps);
  return { next: (after) => metricSteps.find((step) => step > after) ?? Infinity, includes: (step) => listed.has(step) };
}
