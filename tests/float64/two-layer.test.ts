import { describe, expect, it } from 'vitest';
import { LOSS_KINDS, SCALINGS, particleLearningRate, type LossKind, type Scaling, type TrainableParts } from '../../src/core/conventions';
import { lossDerivative, lossValue, sigmoid, softplus } from '../../src/float64/losses';
import * as reference from '../../src/float64/two-layer';
import { testValues } from '../helpers/tolerance';

const SAMPLES = 6;
const WIDTH = 5;
const INPUT_DIM = 3;
/** alpha != 1, so a gradient that forgets alpha (or applies it twice) fails. */
const ALPHA = 1.7;
/**
 * Central differences in float64: truncation ~ h^2 |L'''| ~ 1e-12 and rounding ~ eps |L| / h ~ 1e-10 for
 * the O(1..10) losses here, so 1e-6 (absolute plus relative) leaves a wide margin and still catches any
 * wrong factor or index (those change gradients by O(1) relative).
 */
const FD_STEP = 1e-6;
const FD_TOLERANCE = 1e-6;
/** No pre-activation within this of the ReLU kink, so a step of FD_STEP * |x| never crosses it. */
const KINK_MARGIN = 1e-3;

interface Problem {
  readonly params: reference.TwoLayerParams;
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly options: reference.TwoLayerOptions;
}

/** Random parameters and data (seeds advanced until every |z_ij| >= KINK_MARGIN and some neurons are inactive). */
function makeProblem(loss: LossKind, scaling: Scaling, hasBias: boolean, seed: number): Problem {
  const options = { scaling, loss, alpha: ALPHA };
  for (let s = seed; ; s += 7) {
    const params: reference.TwoLayerParams = {
      width: WIDTH,
      inputDim: INPUT_DIM,
      a: Float64Array.from(testValues(WIDTH, s)),
      W: Float64Array.from(testValues(WIDTH * INPUT_DIM, s + 1)),
      ...(hasBias ? { b: Float64Array.from(testValues(WIDTH, s + 2)) } : {}),
    };
    const X = Float64Array.from(testValues(SAMPLES * INPUT_DIM, s + 3));
    const { preActivation } = reference.forward(params, X, SAMPLES, options);
    const clearOfKink = preActivation.every((z) => Math.abs(z) >= KINK_MARGIN);
    const someInactive = preActivation.some((z) => z < 0);
    if (!clearOfKink || !someInactive) continue;
    const raw = Float64Array.from(testValues(SAMPLES, s + 4));
    const y = loss === 'square' ? raw : raw.map((v) => (v >= 0 ? 1 : -1));
    return { params, X, y, options };
  }
}

type ParamName = 'a' | 'W' | 'b';

/** dL/dtheta_k by central differences, one coordinate at a time. */
function finiteDifference(problem: Problem, name: ParamName): Float64Array {
  const { params, X, y, options } = problem;
  const values = params[name]!;
  const result = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const risk = (delta: number) => {
      const shifted = values.slice();
      shifted[k] = values[k]! + delta;
      return reference.empiricalRisk({ ...params, [name]: shifted }, X, y, SAMPLES, options);
    };
    result[k] = (risk(FD_STEP) - risk(-FD_STEP)) / (2 * FD_STEP);
  }
  return result;
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const error = Math.abs(actual[k]! - expected[k]!);
    expect(error, `${what}[${k}]: ${actual[k]} vs ${expected[k]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[k]!)));
  }
}

function squaredNorm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k]! ** 2;
  return sum;
}

const combos = LOSS_KINDS.flatMap((loss) => SCALINGS.map((scaling) => [loss, scaling] as const));

describe('two-layer reference: gradients', () => {
  it.each(combos)('match central differences in a, W and b: %s loss, %s scaling', (loss, scaling) => {
    const problem = makeProblem(loss, scaling, true, 11);
    const grad = reference.gradients(problem.params, problem.X, problem.y, SAMPLES, problem.options);
    expectNear(grad.gradA, finiteDifference(problem, 'a'), FD_TOLERANCE, 'dL/da');
    expectNear(grad.gradW, finiteDifference(problem, 'W'), FD_TOLERANCE, 'dL/dW');
    expectNear(grad.gradB!, finiteDifference(problem, 'b'), FD_TOLERANCE, 'dL/db');
    expect(grad.loss).toBeCloseTo(reference.empiricalRisk(problem.params, problem.X, problem.y, SAMPLES, problem.options), 14);
  });

  it.each(combos)('match central differences without a bias: %s loss, %s scaling', (loss, scaling) => {
    const problem = makeProblem(loss, scaling, false, 23);
    const grad = reference.gradients(problem.params, problem.X, problem.y, SAMPLES, problem.options);
    expect(grad.gradB).toBeUndefined();
    expectNear(grad.gradA, finiteDifference(problem, 'a'), FD_TOLERANCE, 'dL/da');
    expectNear(grad.gradW, finiteDifference(problem, 'W'), FD_TOLERANCE, 'dL/dW');
  });

  it.each(combos)('match central differences with a centered output (outputOffset): %s loss, %s scaling', (loss, scaling) => {
    const plain = makeProblem(loss, scaling, true, 53);
    // f0 of the size of f, so the loss derivatives are taken far from the uncentered outputs.
    const outputOffset = Float64Array.from(testValues(SAMPLES, 59), (v) => 3 * v);
    const problem = { ...plain, options: { ...plain.options, outputOffset } };
    const grad = reference.gradients(problem.params, problem.X, problem.y, SAMPLES, problem.options);
    expectNear(grad.gradA, finiteDifference(problem, 'a'), FD_TOLERANCE, 'dL/da');
    expectNear(grad.gradW, finiteDifference(problem, 'W'), FD_TOLERANCE, 'dL/dW');
    expectNear(grad.gradB!, finiteDifference(problem, 'b'), FD_TOLERANCE, 'dL/db');
    const uncentered = reference.forward(plain.params, plain.X, SAMPLES, plain.options).output;
    expectNear(grad.output, uncentered.map((f, i) => f - outputOffset[i]!), 1e-15, 'f - f0');
    expect(grad.loss).toBe(reference.empiricalRisk(problem.params, problem.X, problem.y, SAMPLES, problem.options));
    // The offset matters: the gradient differs from the uncentered one.
    const plainGrad = reference.gradients(plain.params, plain.X, plain.y, SAMPLES, plain.options);
    expect(Math.max(...grad.gradA.map((g, j) => Math.abs(g - plainGrad.gradA[j]!)))).toBeGreaterThan(1e-3);
  });

  it('centeringOffset makes the output exactly 0 at the initial parameters, and a wrong-length offset is refused', () => {
    const { params, X, y, options } = makeProblem('logistic', 'ntk', true, 61);
    const offset = reference.centeringOffset(params, X, SAMPLES, { ...options, outputOffset: new Float64Array(SAMPLES).fill(5) });
    expect(Array.from(offset)).toEqual(Array.from(reference.forward(params, X, SAMPLES, options).output));
    const centered = { ...options, outputOffset: offset };
    expect(Array.from(reference.forward(params, X, SAMPLES, centered).output)).toEqual(new Array(SAMPLES).fill(0));
    expect(reference.empiricalRisk(params, X, y, SAMPLES, centered)).toBeCloseTo(Math.LN2, 15); // mean of l(0, +-1) = log 2
    expect(() => reference.forward(params, X, SAMPLES, { ...options, outputOffset: offset.subarray(1) })).toThrow(/outputOffset has 5 entries for 6 samples/);
    const { activation } = reference.forward(params, X, SAMPLES, options);
    const shape = { sampleCount: SAMPLES, width: WIDTH, scaling: options.scaling, alpha: ALPHA };
    expect(() => reference.outputLoss(activation, params.a, y, shape, 'logistic', [1])).toThrow(RangeError);
  });

  it('pieces compose to the forward pass: outputLoss on H reproduces f, meanLoss reproduces L', () => {
    const { params, X, y, options } = makeProblem('logistic', 'ntk', true, 3);
    const { activation, output } = reference.forward(params, X, SAMPLES, options);
    const shape = { sampleCount: SAMPLES, width: WIDTH, scaling: options.scaling, alpha: ALPHA };
    const head = reference.outputLoss(activation, params.a, y, shape, options.loss);
    expectNear(head.output, output, 1e-15, 'f');
    expect(reference.meanLoss(head.loss)).toBeCloseTo(reference.empiricalRisk(params, X, y, SAMPLES, options), 15);
    expectNear(head.outputGrad, Array.from(output, (f, i) => lossDerivative('logistic', f, y[i]!) / SAMPLES), 1e-15, 'dL/df');
  });
});

describe('two-layer reference: training step', () => {
  const parts: TrainableParts[] = ['both', 'first', 'second'];
  const stepCombos = SCALINGS.flatMap((scaling) => parts.map((trainable) => [scaling, trainable] as const));

  it.each(stepCombos)('a small step decreases L at the first-order rate: %s scaling, trainable %s', (scaling, trainable) => {
    const problem = makeProblem('square', scaling, true, 31);
    const { params, X, y } = problem;
    const options = { ...problem.options, trainable, learningRate: 1e-4 };
    const before = reference.gradients(params, X, y, SAMPLES, options);
    const next = reference.trainStep(params, X, y, SAMPLES, options);
    const after = reference.empiricalRisk(next, X, y, SAMPLES, options);
    // First order: L decreases by lr_eff * |grad over the trained parts|^2 (lr_eff = lr * m for mean-field).
    const trained = (trainable !== 'first' ? squaredNorm(before.gradA) : 0) + (trainable !== 'second' ? squaredNorm(before.gradW) + squaredNorm(before.gradB!) : 0);
    const predicted = particleLearningRate(scaling, options.learningRate, WIDTH) * trained;
    expect(after).toBeLessThan(before.loss);
    expect(Math.abs(before.loss - after - predicted)).toBeLessThan(0.01 * predicted);
    // Frozen parts stay bitwise equal; trained ones move by exactly lr_eff * gradient.
    const step = particleLearningRate(scaling, options.learningRate, WIDTH);
    if (trainable === 'first') expect(next.a).toEqual(params.a);
    else expectNear(next.a, params.a.map((v, k) => v - step * before.gradA[k]!), 1e-15, 'a');
    if (trainable === 'second') {
      expect(next.W).toEqual(params.W);
      expect(next.b).toEqual(params.b);
    } else {
      expectNear(next.W, params.W.map((v, k) => v - step * before.gradW[k]!), 1e-15, 'W');
      expectNear(next.b!, params.b!.map((v, k) => v - step * before.gradB![k]!), 1e-15, 'b');
    }
  });

  it.each(LOSS_KINDS)('decreases the %s loss with every scaling and returns fresh arrays', (loss) => {
    for (const scaling of SCALINGS) {
      const problem = makeProblem(loss, scaling, false, 41);
      const { params, X, y } = problem;
      const next = reference.trainStep(params, X, y, SAMPLES, { ...problem.options, learningRate: 1e-3 });
      expect(reference.empiricalRisk(next, X, y, SAMPLES, problem.options)).toBeLessThan(reference.empiricalRisk(params, X, y, SAMPLES, problem.options));
      expect(next.b).toBeUndefined();
      expect(next.a).not.toBe(params.a);
      expect(next.W).not.toBe(params.W);
    }
  });
});

describe('two-layer reference: stable losses', () => {
  it('keeps the logistic loss and slope finite at |y f| = 1000 and beyond', () => {
    for (const yf of [1000, 1e30, 1e300]) {
      expect(lossValue('logistic', yf, 1)).toBe(0); // log(1 + exp(-1000)): exp underflows to 0, as the true value ~ 5e-435 does
      expect(lossValue('logistic', -yf, 1)).toBe(yf); // ~ |y f|
      expect(lossValue('logistic', yf, -1)).toBe(yf);
      expect(lossDerivative('logistic', yf, 1)).toBe(-0);
      expect(lossDerivative('logistic', -yf, 1)).toBe(-1);
      expect(lossDerivative('logistic', yf, -1)).toBe(1);
    }
  });

  it('computes softplus and sigmoid to full precision where naive forms lose it', () => {
    expect(softplus(-40)).toBeCloseTo(Math.exp(-40), 30); // naive log(1 + exp(-40)) gives 0
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
    // The naive 1 / (1 + exp(710)) overflows to 1 / Infinity = 0; the true value is the subnormal exp(-710).
    expect(sigmoid(-710)).toBe(Math.exp(-710));
    expect(sigmoid(-710)).toBeGreaterThan(0);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(3) + sigmoid(-3)).toBeCloseTo(1, 15);
  });

  it('gives finite network gradients when |f| is 1000 (logistic loss)', () => {
    const params: reference.TwoLayerParams = { width: 1, inputDim: 1, a: new Float64Array([1000]), W: new Float64Array([1]) };
    const X = new Float64Array([1, 1]);
    const y = new Float64Array([1, -1]);
    const grad = reference.gradients(params, X, y, 2, { scaling: 'standard', loss: 'logistic' });
    expect(grad.loss).toBeCloseTo(500, 10); // (0 + 1000) / 2
    for (const value of [...grad.gradA, ...grad.gradW]) expect(Number.isFinite(value)).toBe(true);
    expect(grad.gradA[0]).toBeCloseTo(0.5, 12); // -y sigmoid(-y f) / n * H: only the misclassified sample counts
  });

  it('matches the textbook formulas at moderate values', () => {
    expect(lossValue('square', 3, 1)).toBe(2);
    expect(lossDerivative('square', 3, 1)).toBe(2);
    expect(lossValue('logistic', 0.3, -1)).toBeCloseTo(Math.log(1 + Math.exp(0.3)), 15);
    expect(lossDerivative('logistic', 0.3, -1)).toBeCloseTo(1 / (1 + Math.exp(-0.3)), 15);
    expect(lossValue('exponential', 0.3, -1)).toBeCloseTo(Math.exp(0.3), 15);
    expect(lossDerivative('exponential', 0.3, -1)).toBeCloseTo(Math.exp(0.3), 15);
  });
});
