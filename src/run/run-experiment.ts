/**
 * One experiment from a validated config to its result: builds the problem, the simulation on the
 * chosen backend and the scheduler, runs it, and packages what the CLI writes and the app shows.
 */
import type { ExperimentConfig } from '../config/schema';
import { requestGpu, type GpuContext } from '../gpu/device';
import { Scheduler, type MetricsRow, type ProgressEvent } from './scheduler';
import { energyDissipationResidual } from '../metrics/energy-dissipation';
import { GpuSimulation } from '../models/two-layer/gpu-simulation';
import { buildProblem, type Problem } from '../models/two-layer/problem';
import type { ReadText } from '../data/create';
import { Float64Simulation } from '../models/two-layer/float64-simulation';
import { runLandscapeModel } from '../models/landscape/landscape-experiment';
import { type LandscapeModel } from '../config/model-kinds';
import { runLinearExperiment } from '../models/linear/linear-experiment';
import type { Checkpoint, Simulation } from '../core/simulation';
import { weightsToJson, type JsonWeights } from '../models/two-layer/init-file';

export interface RunOptions {
  readonly readText?: ReadText;
  /** Device factory (also used again after a device loss). Default: requestGpu(). */
  readonly requestGpu?: () => Promise<GpuContext>;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onMetrics?: (row: MetricsRow) => void;
  /** Device losses and resumptions, as they happen. */
  readonly onEvent?: (event: string) => void;
  /** Called once the scheduler exists (to pause, stop or change the learning rate). */
  readonly onScheduler?: (scheduler: Scheduler) => void;
  /** Include the final parameters in the result. */
  readonly saveParams?: boolean;
  /** Awaited before each submit (the app: the next animation frame, so training paces with drawing). */
  readonly pace?: () => Promise<unknown>;
  /** Leave the simulation alive at the end (the app keeps drawing it); the caller destroys it through onScheduler's scheduler. */
  readonly retainSimulation?: boolean;
  /** Continue from this checkpoint instead of the initialization (the app: a batch-size change without reset). */
  readonly resumeFrom?: Checkpoint;
}

export interface ExperimentSummary {
  readonly backend: string;
  readonly device: string;
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
  readonly final?: JsonWeights;
}

export async function createSimulation(config: ExperimentConfig, problem: Problem, getGpu: () => Promise<GpuContext>): Promise<Simulation> {
  return config.backend === 'float64' ? new Float64Simulation(problem) : GpuSimulation.create(await getGpu(), problem, config.metrics.names);
}

export async function runExperiment(config: ExperimentConfig, options: RunOptions = {}): Promise<ExperimentResult> {
  const getGpu = options.requestGpu ?? (() => requestGpu());
  if (config.model.kind === 'landscape') return runLandscapeExperiment(config, config.model, getGpu, options);
  if (config.model.kind === 'linear') return runLinearExperiment(config, config.model, getGpu, options);
  const problem = await buildProblem(config, options.readText);
  const simulation = await createSimulation(config, problem, getGpu);
  if (options.resumeFrom) await simulation.restore(options.resumeFrom);
  const scheduler = new Scheduler(simulation, {
    totalSteps: config.steps,
    stepsPerSubmit: config.stepsPerSubmit,
    metricsEvery: config.metrics.every,
    metricNames: config.metrics.names,
    checkpointEvery: config.checkpointEvery,
    recover: async (checkpoint) => {
      const fresh = await createSimulation(config, problem, getGpu);
      await fresh.restore(checkpoint);
      return fresh;
    },
    ...(options.pace ? { pace: options.pace } : {}),
  });
  if (options.onProgress) scheduler.onProgress(options.onProgress);
  if (options.onMetrics) scheduler.onMetrics(options.onMetrics);
  if (options.onEvent) scheduler.onEvent(options.onEvent);
  options.onScheduler?.(scheduler);
  const started = performance.now();
  try {
    const outcome = await scheduler.run();
    const wallSeconds = (performance.now() - started) / 1000;
    const finalSimulation = scheduler.currentSimulation;
    const lastRow = outcome.rows.at(-1);
    const diverged = outcome.divergedAt !== undefined;
    const summary: ExperimentSummary = {
      backend: finalSimulation.backend,
      device: finalSimulation.device,
      stepsTaken: outcome.stepsTaken,
      finalLoss: lastRow?.loss ?? outcome.stepLosses.at(-1) ?? NaN,
      diverged,
      status: diverged ? `diverged at step ${outcome.divergedAt}` : outcome.stopped ? `stopped at step ${outcome.stepsTaken}` : 'completed',
      ...(diverged ? { divergedAt: outcome.divergedAt } : {}),
      wallSeconds,
      stepsPerSecond: outcome.stepsTaken / Math.max(wallSeconds, 1e-9),
      events: outcome.events,
    };
    const metrics = config.metrics.names.includes('energyResidual') ? withEnergyResidual(outcome.rows, outcome.stepLosses, config) : outcome.rows;
    const result: ExperimentResult = { config, metrics, stepLosses: outcome.stepLosses, summary };
    return options.saveParams ? { ...result, final: weightsToJson(await finalSimulation.readWeights(), problem.trainer.inputDim) } : result;
  } catch (error) {
    if (options.retainSimulation) scheduler.currentSimulation.destroy(); // a failed run leaves nothing to draw
    throw error;
  } finally {
    if (!options.retainSimulation) scheduler.currentSimulation.destroy();
  }
}

/** A landscape experiment: population metrics at logged steps; no per-step loss (the particles are independent runs). */
async function runLandscapeExperiment(config: ExperimentConfig, model: LandscapeModel, getGpu: () => Promise<GpuContext>, options: RunOptions): Promise<ExperimentResult> {
  const started = performance.now();
  const outcome = await runLandscapeModel(model, {
    steps: config.steps,
    metricsEvery: config.metrics.every,
    metricNames: config.metrics.names,
    backend: config.backend,
    getGpu,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  for (const row of outcome.rows) options.onMetrics?.(row);
  const wallSeconds = (performance.now() - started) / 1000;
  const summary: ExperimentSummary = {
    backend: config.backend,
    device: outcome.device,
    stepsTaken: config.steps,
    finalLoss: outcome.rows.at(-1)?.meanValue ?? NaN,
    diverged: false,
    status: 'completed',
    wallSeconds,
    stepsPerSecond: config.steps / Math.max(wallSeconds, 1e-9),
    events: [],
  };
  return { config, metrics: outcome.rows, stepLosses: [], summary };
}

/**
 * The energy-dissipation identity (docs/science.md section 1) at each logged step t: the measured change
 * L_{t+1} - L_t against the first-order prediction -lr (1/m) sum_j |v_j|^2 from the gradient at t,
 * as (L_{t+1} - L_t + predicted) / predicted, which is O(lr). Defined for full-batch GD at a
 * constant rate, where stepLosses[t] is L(theta_t) on the whole train set; NaN otherwise.
 */
function withEnergyResidual(rows: readonly MetricsRow[], stepLosses: readonly number[], config: ExperimentConfig): MetricsRow[] {
  const { optimizer } = config;
  const plainGd = optimizer.rule.kind === 'gd' && !optimizer.schedule && !optimizer.jko && optimizer.batchSize === undefined && !config.online;
  return rows.map(({ predictedDecrease, ...row }) => {
    const t = row.step;
    const known = plainGd && predictedDecrease !== undefined && predictedDecrease > 0 && Number.isFinite(stepLosses[t]) && Number.isFinite(stepLosses[t + 1]);
    const residual = known ? energyDissipationResidual({ lossBefore: stepLosses[t]!, lossAfter: stepLosses[t + 1]!, learningRate: 1, meanSquaredVelocity: predictedDecrease }).relativeResidual : NaN;
    return { ...row, energyResidual: residual };
  });
}
