import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/core/spectrum';
import { CentralFlow, centralVariance, secondEigenvalue, type FlowObjective } from '../../src/float64/central-flow';
import { GradientFlow } from '../../src/float64/gradient-flow';
import * as hessian from '../../src/float64/hessian';
import { hessianFormGradient } from '../../src/float64/sharpness-gradient';
import { flowStepSize, twoLayerFlowObjective } from '../../src/float64/two-layer-flow-objective';
import { gradients } from '../../src/float64/two-layer';
import { makeCurvatureProblem } from '../metrics/curvature-problems';

/**
 * A smooth toy with a known central flow (the self-stabilization picture of docs/science.md section 9):
 *   L(x, y) = (1/2) (a + b x) y^2 + (1/2) k (x - xt)^2.
 * On y = 0 the sharpness is S = a + b x (the y direction; k < 2/eta stays below it), grad S = (b, 0), and the pull
 * k (x - xt) towards xt > x* sharpens it. With eta (a + b x*) = 2, the central flow stops at x = x*, y = 0 with
 * sigma^2 = -2 grad S . grad L / |grad S|^2 = 2 k (xt - x*) / b, and predicts GD's mean loss
 *   (1/2) k (x* - xt)^2 + (1/2) sigma^2 (2 / eta).
 * GD itself settles on the period-2 orbit x = x*, y = +-sigma (x stays put when (1/2) b y^2 = k (xt - x*), and
 * y -> (1 - eta S) y = -y), so the flow's predictions are exact here.
 */
const TOY = { a: 1, b: 1, k: 0.5, xt: 3.5, eta: 0.5 } as const;
const X_STAR = (2 / TOY.eta - TOY.a) / TOY.b;
const TOY_VARIANCE = (2 * TOY.k * (TOY.xt - X_STAR)) / TOY.b;
const TOY_MEAN_LOSS = 0.5 * TOY.k * (X_STAR - TOY.xt) ** 2 + 0.5 * TOY_VARIANCE * (2 / TOY.eta);

function toyObjective(): FlowObjective {
  const { a, b, k, xt } = TOY;
  return {
    mask: [1, 1],
    startVector: Float64Array.of(0.3, 1),
    lossAndGradient: ([x, y]) => ({
      loss: 0.5 * (a + b * x!) * y! ** 2 + 0.5 * k * (x! - xt) ** 2,
      gradient: Float64Array.of(0.5 * b * y! ** 2 + k * (x! - xt), (a + b * x!) * y!),
    }),
    // Hess L = [[k, b y], [b y, a + b x]].
    hessian: ([x, y]) => (v) => Float64Array.of(k * v[0]! + b * y! * v[1]!, b * y! * v[0]! + (a + b * x!) * v[1]!),
    // v^T H v = k v1^2 + 2 b y v1 v2 + (a + b x) v2^2.
    hessianFormGradient: (_theta, v) => Float64Array.of(b * v[1]! ** 2, 2 * b * v[0]! * v[1]!),
  };
}

/** GD on the toy from theta: the losses and iterates of `steps` steps. */
function toyGd(theta: readonly [number, number], steps: number): { losses: number[]; xs: number[] } {
  const objective = toyObjective();
  let current = Float64Array.from(theta);
  const losses: number[] = [];
  const xs: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { loss, gradient } = objective.lossAndGradient(current);
    losses.push(loss);
    xs.push(current[0]!);
    current = current.map((value, e) => value - TOY.eta * gradient[e]!);
  }
  return { losses, xs };
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('centralVariance: the one-direction complementarity of a Euler substep', () => {
  const base = { stepSize: 0.5, dt: 0.25, sharpnessGradientNormSquared: 4 } as const;

  it('is the closed form -2 grad S . grad L / |grad S|^2 on the boundary S = 2/eta', () => {
    expect(centralVariance({ ...base, sharpness: 4, sharpnessGradientDotLossGradient: -3 })).toBeCloseTo(1.5, 12);
  });

  it('is 0 on the boundary when the gradient flow itself flattens (grad S . grad L > 0)', () => {
    expect(centralVariance({ ...base, sharpness: 4, sharpnessGradientDotLossGradient: 3 })).toBe(0);
  });

  it('is 0 below the boundary unless the next substep would cross it, and then lands it exactly on 2/eta', () => {
    expect(centralVariance({ ...base, sharpness: 3.5, sharpnessGradientDotLossGradient: -3 })).toBe(0);
    const input = { ...base, sharpness: 3.9, sharpnessGradientDotLossGradient: -3 };
    const variance = centralVariance(input);
    expect(variance).toBeGreaterThan(0);
    const next = input.sharpness - input.dt * input.stepSize * (input.sharpnessGradientDotLossGradient + 0.5 * variance * input.sharpnessGradientNormSquared);
    expect(next).toBeCloseTo(2 / input.stepSize, 12);
  });

  it('pulls a sharpness above 2/eta back to it in one substep', () => {
    const input = { ...base, sharpness: 4.2, sharpnessGradientDotLossGradient: 1 };
    const variance = centralVariance(input);
    const next = input.sharpness - input.dt * input.stepSize * (input.sharpnessGradientDotLossGradient + 0.5 * variance * input.sharpnessGradientNormSquared);
    expect(next).toBeCloseTo(2 / input.stepSize, 12);
  });
});

describe('CentralFlow on a smooth toy with a known central flow', () => {
  it('stops at S = 2/eta with sigma^2 = 2 k (xt - x*) / b and predicts the mean loss of GD on its period-2 orbit', () => {
    const start = [2.5, 0.1] as const;
    const flow = new CentralFlow(toyObjective(), start, { stepSize: TOY.eta });
    const steps = Array.from({ length: 400 }, () => flow.step());
    const last = steps.at(-1)!;
    // The flow: x -> x*, y -> 0, and sigma^2 and the predicted loss at their closed forms.
    expect(flow.params[0]).toBeCloseTo(X_STAR, 9);
    // y rests where the pull of a slightly stale u (Lanczos stops at a 1e-5 relative residual, so u_x ~ 4e-7) balances
    // the decay (a + b x) y: |y| ~ 5e-8, not 0.
    expect(Math.abs(flow.params[1]!)).toBeLessThan(1e-6);
    expect(last.variance).toBeCloseTo(TOY_VARIANCE, 9);
    expect(last.predictedLoss).toBeCloseTo(TOY_MEAN_LOSS, 9);
    // The sharpness never passes 2/eta by more than Euler's O(dt^2) before the substep that pulls it back.
    expect(Math.max(...steps.map((s) => TOY.eta * s.sharpness))).toBeLessThan(2 + 1e-2);
    // GD from the same start: its mean over the last 200 steps (a whole number of periods) is the flow's prediction.
    const gd = toyGd(start, 3000);
    expect(mean(gd.losses.slice(-200))).toBeCloseTo(last.predictedLoss, 9);
    expect(mean(gd.xs.slice(-200))).toBeCloseTo(flow.params[0]!, 9);
  });

  it('is gradient flow (sigma^2 = 0) when 2/eta stays above the sharpness: it matches GradientFlow', () => {
    // eta = 0.2: 2/eta = 10 > a + b xt = 4.5, the most the flow can sharpen to.
    const settings = { stepSize: 0.2 } as const;
    const central = new CentralFlow(toyObjective(), [2.5, 0.1], { ...settings, substepsPerStep: 8 });
    const gradientFlow = new GradientFlow(toyObjective(), [2.5, 0.1], { ...settings, minSubsteps: 8 });
    for (let t = 0; t < 50; t++) {
      expect(central.step().variance).toBe(0);
      gradientFlow.step();
    }
    // Both are Euler with 8 substeps per step on the same field (GradientFlow would add substeps only past eta S = 4).
    central.params.forEach((value, e) => expect(value).toBeCloseTo(gradientFlow.params[e]!, 12));
  });

  it('rejects a non-positive step size or a start of the wrong length', () => {
    expect(() => new CentralFlow(toyObjective(), [1, 1], { stepSize: 0 })).toThrow(RangeError);
    expect(() => new CentralFlow(toyObjective(), [1, 1, 1], { stepSize: 0.5 })).toThrow(RangeError);
  });
});

describe('the two-layer network as a FlowObjective, against dense float64 computations', () => {
  const problem = makeCurvatureProblem({ sampleCount: 6, width: 4, inputDim: 3, loss: 'square', scaling: 'ntk', hasBias: true, trainable: 'both', seed: 31 });
  const shape = { width: 4, inputDim: 3, hasBias: true } as const;
  const objective = twoLayerFlowObjective(shape, problem.X, problem.y, 6, problem.options, 3);
  const theta = hessian.flattenParamVector(problem.params);
  const p = theta.length;

  it('gives the loss, the gradient and Hess L v of the float64 reference', () => {
    const reference = gradients(problem.params, problem.X, problem.y, 6, problem.options);
    const { loss, gradient } = objective.lossAndGradient(theta);
    expect(loss).toBe(reference.loss);
    expect(Array.from(gradient)).toEqual(Array.from(hessian.flattenParamVector({ a: reference.gradA, W: reference.gradW, b: reference.gradB! })));
    const dense = hessian.denseHessian(problem.params, problem.X, problem.y, 6, problem.options);
    const e3 = Float64Array.from({ length: p }, (_, e) => (e === 3 ? 1 : 0));
    expect(Array.from(objective.hessian(theta)(e3))).toEqual(Array.from({ length: p }, (_, i) => dense[i * p + 3]!));
  });

  it("starts the flow at the dense spectrum's lambda_max, and secondEigenvalue finds its lambda_2", () => {
    const eigen = symmetricEigen(hessian.denseHessian(problem.params, problem.X, problem.y, 6, problem.options), p);
    const flow = new CentralFlow(objective, theta, { stepSize: 1e-3, lanczos: { tolerance: 1e-10, maxIterations: p } });
    const first = flow.step();
    expect(first.sharpness).toBeCloseTo(eigen.values[0]!, 8);
    const u = Float64Array.from({ length: p }, (_, e) => eigen.vectors[e * p]!);
    const second = secondEigenvalue(objective.hessian(theta), { value: eigen.values[0]!, vector: u }, objective.startVector, { tolerance: 1e-10, maxIterations: p });
    expect(second.estimate).toBeCloseTo(eigen.values[1]!, 8);
  });

  it('moves by -eta (grad L + (1/2) sigma^2 grad S) with sigma^2 from the dense top pair when S > 2/eta', () => {
    // eta with eta S = 2.4: one substep pulls S back to the boundary.
    const eigen = symmetricEigen(hessian.denseHessian(problem.params, problem.X, problem.y, 6, problem.options), p);
    const eta = 2.4 / eigen.values[0]!;
    const flow = new CentralFlow(objective, theta, { stepSize: eta, substepsPerStep: 1, lanczos: { tolerance: 1e-12, maxIterations: p } });
    const step = flow.step();
    const u = hessian.unflattenParamVector(Float64Array.from({ length: p }, (_, e) => eigen.vectors[e * p]!), 4, 3, true);
    const gradS = hessian.flattenParamVector(hessianFormGradient(problem.params, problem.X, problem.y, 6, problem.options, u));
    const gradL = objective.lossAndGradient(theta).gradient;
    const variance = centralVariance({
      sharpness: eigen.values[0]!,
      stepSize: eta,
      dt: 1,
      sharpnessGradientDotLossGradient: gradS.reduce((s, g, e) => s + g * gradL[e]!, 0),
      sharpnessGradientNormSquared: gradS.reduce((s, g) => s + g * g, 0),
    });
    expect(variance).toBeGreaterThan(0);
    expect(step.variance).toBeCloseTo(variance, 6);
    flow.params.forEach((value, e) => expect(value).toBeCloseTo(theta[e]! - eta * (gradL[e]! + 0.5 * variance * gradS[e]!), 8));
  });

  it('runs at eta = lr m in mean-field particle time and lr otherwise', () => {
    expect(flowStepSize(0.3, { scaling: 'mean-field' }, 16)).toBeCloseTo(4.8, 14);
    expect(flowStepSize(0.3, { scaling: 'standard' }, 16)).toBe(0.3);
  });
});
