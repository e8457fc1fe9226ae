/**
 * Gradient descent next to its central flow and its gradient flow, all three from the run's initialization
 * (docs/science.md section 9). GD is replayed in float64 with the float64 backend's trainer, so its step losses
 * are the float64 run's own (a check can compare them); the flows are src/float64/central-flow.ts and
 * src/float64/gradient-flow.ts on the same network and train set. GD's time average at step t is the mean over
 * the centred window t - W .. t + W (losses and weights alike); the central flow's prediction of the mean loss
 * is its L + (1/2) sigma^2 S averaged over the same window of its own time.
 */
import type { ExperimentConfig } from '../../config/schema';
import { ConfigError } from '../../config/errors';
import { particleTimeFactor } from '../../core/conventions';
import { lanczos } from '../../core/lanczos';
import type { ReadText } from '../../data/create';
import { CENTRAL_FLOW_SUBSTEPS, CentralFlow, secondEigenvalue } from '../../float64/central-flow';
import { GradientFlow } from '../../float64/gradient-flow';
import { flattenParamVector } from '../../float64/hessian';
import { Float64Trainer } from '../../float64/two-layer-trainer';
import { flowStepSize, twoLayerFlowObjective } from '../../float64/two-layer-flow-objective';
import { energyIdentityProblem } from '../../metrics/energy-dissipation';
import { buildProblem } from './problem';

export interface CentralFlowComparisonOptions {
  /** Half-width W of the centred averaging window, in steps. */
  readonly window: number;
  /** Compare the weights (and the second eigenvalue) every this many steps. */
  readonly sampleEvery: number;
  /** Euler substeps per GD step of the central flow (default CENTRAL_FLOW_SUBSTEPS). */
  readonly substepsPerStep?: number;
}

/** The three at one step t (sharpness in the update rule's units 1/lr, like sharpnessParticleTime: GD is stable below 2/lr). */
export interface ComparisonSample {
  readonly step: number;
  /** GD's loss averaged over t - W .. t + W. */
  readonly gdMeanLoss: number;
  /** The central flow's L + (1/2) sigma^2 S averaged over the same window. */
  readonly predictedMeanLoss: number;
  /** L(theta_CF(t)). */
  readonly centralLoss: number;
  readonly centralSharpness: number;
  /** lambda_2 at theta_CF(t), update units: under 2/lr for the one-direction flow to apply. */
  readonly centralSecondSharpness: number;
  /** sigma^2 averaged over the window (parameter units squared). */
  readonly centralVariance: number;
  /** GD's variance along the flow's top eigenvector u over the window: mean of (u . (w_s - mean w))^2, what sigma^2 predicts. */
  readonly gdVarianceAlongTop: number;
  readonly gradientFlowSharpness: number;
  /** |theta_CF(t) - GD's mean weights over the window|. */
  readonly centralDistance: number;
  /** |theta_GF(t) - GD's mean weights over the window|. */
  readonly gradientFlowDistance: number;
  /** |GD's mean weights - theta(0)|: how far GD has moved, the scale of the two distances. */
  readonly gdDisplacement: number;
}

export interface CentralFlowComparison {
  /** eta = lr c: GD's step per unit gradient. */
  readonly stepSize: number;
  /** L(theta_t) before each of the replayed GD steps. */
  readonly gdLosses: Float64Array;
  /** Per GD step of time: the central flow's S at the step's start, in update units. */
  readonly centralSharpness: Float64Array;
  /** Per GD step of time: the central flow's sigma^2 averaged over the step's substeps. */
  readonly centralVariance: Float64Array;
  readonly samples: readonly ComparisonSample[];
}

/**
 * Replays the config's GD for config.steps steps and integrates both flows alongside; samples every sampleEvery
 * steps from W to config.steps - W - 1 (where the window's losses and weights are all known).
 */
export async function compareWithCentralFlow(config: ExperimentConfig, options: CentralFlowComparisonOptions, readText?: ReadText): Promise<CentralFlowComparison> {
  const why = config.model.kind !== 'two-layer' ? `model.kind is '${config.model.kind}'` : energyIdentityProblem(config) ?? (config.model.sphere ? 'model.sphere is true (a retraction follows each step)' : undefined);
  if (why !== undefined) throw new ConfigError([`the central flow models plain full-batch GD on the two-layer network at a constant rate, but ${why}; change the run`]);
  const { window: W, sampleEvery } = options;
  if (!Number.isInteger(W) || W < 1 || !Number.isInteger(sampleEvery) || sampleEvery < 1) throw new RangeError(`compareWithCentralFlow: window and sampleEvery must be positive integers, got ${W} and ${sampleEvery}`);
  const problem = await buildProblem(config, readText);
  const trainer = new Float64Trainer(problem.trainer, problem.init, problem.train);
  const { width, inputDim, hasBias, seed } = problem.trainer;
  const networkOptions = trainer.outputOffset ? { ...trainer.config, outputOffset: trainer.outputOffset } : trainer.config;
  const n = problem.train.y.length;
  const objective = twoLayerFlowObjective({ width, inputDim, hasBias }, problem.train.X, problem.train.y, n, networkOptions, seed);
  const eta = flowStepSize(config.optimizer.learningRate, networkOptions, width);
  const factor = particleTimeFactor(networkOptions.scaling, width);
  const theta0 = flattenParamVector(trainer.weights);
  const central = new CentralFlow(objective, theta0, { stepSize: eta, substepsPerStep: options.substepsPerStep ?? CENTRAL_FLOW_SUBSTEPS });
  const gradientFlow = new GradientFlow(objective, theta0, { stepSize: eta });

  const T = config.steps;
  const gdWeights: Float64Array[] = [theta0];
  const gdLosses = new Float64Array(T);
  const centralSharpness = new Float64Array(T);
  const centralVarianceSeries = new Float64Array(T);
  const predicted = new Float64Array(T);
  const centralAt = new Map<number, Float64Array>();
  const gradientFlowAt = new Map<number, { theta: Float64Array; sharpness: number }>();
  const isSample = (t: number) => t >= W && t + W < T && (t - W) % sampleEvery === 0;
  for (let t = 0; t < T; t++) {
    gdLosses[t] = trainer.train(1)[0]!;
    gdWeights.push(flattenParamVector(trainer.weights));
    if (isSample(t)) centralAt.set(t, central.params);
    const centralStep = central.step();
    centralSharpness[t] = factor * centralStep.sharpness;
    centralVarianceSeries[t] = centralStep.variance;
    predicted[t] = centralStep.predictedLoss;
    const gfTheta = isSample(t) ? gradientFlow.params : undefined;
    const gfStep = gradientFlow.step();
    if (gfTheta) gradientFlowAt.set(t, { theta: gfTheta, sharpness: factor * gfStep.sharpness });
  }

  const samples: ComparisonSample[] = [];
  for (const [t, thetaCentral] of centralAt) {
    const windowWeights = gdWeights.slice(t - W, t + W + 1);
    const gdMean = meanOf(windowWeights);
    const top = lanczos(objective.hessian(thetaCentral), objective.startVector);
    const second = secondEigenvalue(objective.hessian(thetaCentral), { value: top.estimate, vector: top.vector! }, objective.startVector);
    const gf = gradientFlowAt.get(t)!;
    samples.push({
      step: t,
      gdMeanLoss: mean(gdLosses, t - W, t + W),
      predictedMeanLoss: mean(predicted, t - W, t + W),
      centralLoss: objective.lossAndGradient(thetaCentral).loss,
      centralSharpness: factor * top.estimate,
      centralSecondSharpness: factor * second.estimate,
      centralVariance: mean(centralVarianceSeries, t - W, t + W),
      gdVarianceAlongTop: windowWeights.reduce((sum, w) => sum + along(top.vector!, w, gdMean) ** 2, 0) / windowWeights.length,
      gradientFlowSharpness: gf.sharpness,
      centralDistance: distance(thetaCentral, gdMean),
      gradientFlowDistance: distance(gf.theta, gdMean),
      gdDisplacement: distance(gdMean, theta0),
    });
  }
  return { stepSize: eta, gdLosses, centralSharpness, centralVariance: centralVarianceSeries, samples };
}

/** Mean of values[from..to] (inclusive). */
function mean(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t <= to; t++) sum += values[t]!;
  return sum / (to - from + 1);
}

function meanOf(vectors: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(vectors[0]!.length);
  for (const v of vectors) for (let e = 0; e < out.length; e++) out[e] = out[e]! + v[e]! / vectors.length;
  return out;
}

/** u . (w - center). */
function along(u: ArrayLike<number>, w: ArrayLike<number>, center: ArrayLike<number>): number {
  let sum = 0;
  for (let e = 0; e < u.length; e++) sum += u[e]! * (w[e]! - center[e]!);
  return sum;
}

function distance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let sum = 0;
  for (let e = 0; e < u.length; e++) sum += (u[e]! - v[e]!) ** 2;
  return Math.sqrt(sum);
}
