/**
 * float64 reference of the two-layer ReLU network (docs/science.md section 0), written by hand and
 * independently of the WGSL:
 *   f(x) = alpha s_m sum_j a_j relu(w_j . x + b_j),   L = (1/n) sum_i l(f(x_i), y_i).
 * Centered (lazy training, docs/science.md section 0): f_alpha(x_i) = alpha (f_theta - f_theta0)(x_i), i.e.
 * f minus a per-sample constant f0_i = f_theta0(x_i) (alpha included), passed as `outputOffset`.
 * Layouts follow src/core/conventions.ts: X [n x d], W [m x d], Z and H [n x m], a and b [m].
 * outputLoss, meanLoss, neuronGrads and hiddenGrad mirror the GPU kernels of the `two-layer`
 * family one for one, so a test can compare each kernel with its twin.
 */
import { combinedOutputScale, type LossKind } from '../core/conventions';
import { stepScales } from '../core/update-settings';
import { lossDerivative, lossValue } from './losses';
import type { NetworkParameters, NetworkSpec, TwoLayerTrainerConfig } from '../core/network';

/** The parameters theta = (a, W, b) of a width-m network on d inputs. */
export interface TwoLayerParams extends NetworkParameters<Float64Array>, Pick<NetworkSpec, 'width' | 'inputDim'> {}

/** The output, loss and update of the passes; `trainable` is optional here (default 'both'). */
export interface TwoLayerOptions extends Pick<NetworkSpec, 'scaling' | 'loss' | 'alpha'>, Partial<Pick<TwoLayerTrainerConfig, 'trainable'>> {
  /**
   * Centered model: f0_i = f_theta0(x_i) [n] for the samples X passed (alpha included), subtracted from
   * every output. A constant per sample, so it changes the loss derivatives and nothing else.
   */
  readonly outputOffset?: ArrayLike<number>;
}

/** What the kernels of the family need to know: n, m and the combined output scale. */
export type HeadShape = Pick<TwoLayerTrainerConfig, 'sampleCount' | 'width' | 'scaling' | 'alpha'>;

export interface ForwardResult {
  /** Z = X W^T + b [n x m]. */
  readonly preActivation: Float64Array;
  /** H = relu(Z) [n x m]. */
  readonly activation: Float64Array;
  /** f = alpha s_m H a [n], minus f0 when options.outputOffset is given. */
  readonly output: Float64Array;
}

/** Throws unless a given offset has one entry per sample. */
function checkOffset(offset: ArrayLike<number> | undefined, n: number): void {
  if (offset && offset.length !== n) throw new RangeError(`two-layer: outputOffset has ${offset.length} entries for ${n} samples`);
}

/** Forward pass on n samples X [n x d]. */
export function forward(params: TwoLayerParams, X: ArrayLike<number>, n: number, options: TwoLayerOptions): ForwardResult {
  const { width: m, inputDim: d, a, W, b } = params;
  const offset = options.outputOffset;
  checkOffset(offset, n);
  const preActivation = new Float64Array(n * m);
  const activation = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let z = b ? b[j]! : 0;
      for (let k = 0; k < d; k++) z += W[j * d + k]! * X[i * d + k]!;
      preActivation[i * m + j] = z;
      activation[i * m + j] = z > 0 ? z : 0;
    }
  }
  const scale = combinedOutputScale({ ...options, width: m });
  const output = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < m; j++) sum += a[j]! * activation[i * m + j]!;
    output[i] = scale * sum - (offset ? offset[i]! : 0);
  }
  return { preActivation, activation, output };
}

/**
 * f0_i = f_theta0(x_i) = alpha s_m sum_j a0_j relu(w0_j . x_i + b0_j): the offsets of a centered model,
 * from the initial parameters (any outputOffset in `options` is ignored).
 */
export function centeringOffset(init: TwoLayerParams, X: ArrayLike<number>, n: number, options: TwoLayerOptions): Float64Array {
  return forward(init, X, n, { ...options, outputOffset: undefined }).output;
}

export interface OutputLossResult {
  /** f_i [n]. */
  readonly output: Float64Array;
  /** l(f_i, y_i) [n]. */
  readonly loss: Float64Array;
  /** dL/df_i = l'(f_i, y_i) / n [n]. */
  readonly outputGrad: Float64Array;
}

/** Per-sample loss and dL/df at given outputs f (the pointwise half of output_loss). */
export function lossAtOutput(output: ArrayLike<number>, y: ArrayLike<number>, loss: LossKind): Omit<OutputLossResult, 'output'> {
  const n = output.length;
  const sampleLoss = new Float64Array(n);
  const outputGrad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sampleLoss[i] = lossValue(loss, output[i]!, y[i]!);
    outputGrad[i] = lossDerivative(loss, output[i]!, y[i]!) / n;
  }
  return { loss: sampleLoss, outputGrad };
}

/**
 * Twin of output_loss: f_i = alpha s_m sum_j a_j H_ij (minus outputOffset_i, the centered variant),
 * then l(f_i, y_i) and l'(f_i, y_i) / n.
 */
export function outputLoss(
  activation: ArrayLike<number>,
  a: ArrayLike<number>,
  y: ArrayLike<number>,
  shape: HeadShape,
  loss: LossKind,
  outputOffset?: ArrayLike<number>,
): OutputLossResult {
  const { sampleCount: n, width: m } = shape;
  checkOffset(outputOffset, n);
  const scale = combinedOutputScale(shape);
  const output = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < m; j++) sum += a[j]! * activation[i * m + j]!;
    output[i] = scale * sum - (outputOffset ? outputOffset[i]! : 0);
  }
  return { output, ...lossAtOutput(output, y, loss) };
}

/** Twin of mean_loss: L = (1/n) sum_i l_i. */
export function meanLoss(sampleLoss: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < sampleLoss.length; i++) sum += sampleLoss[i]!;
  return sum / sampleLoss.length;
}

/** Twin of neuron_grads: dL/da_j = alpha s_m sum_i g_i H_ij and, with a bias, dL/db_j = alpha s_m a_j sum_i g_i 1[H_ij > 0]. */
export function neuronGrads(
  activation: ArrayLike<number>,
  a: ArrayLike<number>,
  outputGrad: ArrayLike<number>,
  shape: HeadShape,
  hasBias: boolean,
): { gradA: Float64Array; gradB?: Float64Array } {
  const { sampleCount: n, width: m } = shape;
  const scale = combinedOutputScale(shape);
  const gradA = new Float64Array(m);
  const gradB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let sumA = 0;
    let sumB = 0;
    for (let i = 0; i < n; i++) {
      const h = activation[i * m + j]!;
      sumA += outputGrad[i]! * h;
      if (h > 0) sumB += outputGrad[i]!;
    }
    gradA[j] = scale * sumA;
    gradB[j] = scale * a[j]! * sumB;
  }
  return hasBias ? { gradA, gradB } : { gradA };
}

/** Twin of hidden_grad: D_ij = dL/dZ_ij = alpha s_m g_i a_j 1[H_ij > 0] [n x m]. */
export function hiddenGrad(activation: ArrayLike<number>, a: ArrayLike<number>, outputGrad: ArrayLike<number>, shape: HeadShape): Float64Array {
  const { sampleCount: n, width: m } = shape;
  const scale = combinedOutputScale(shape);
  const D = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      D[i * m + j] = activation[i * m + j]! > 0 ? scale * outputGrad[i]! * a[j]! : 0;
    }
  }
  return D;
}

/** Twin of first_layer_grad: dL/dW_jc = sum_i D_ij X_ic with D from hiddenGrad [m x d]. */
export function firstLayerGrad(
  activation: ArrayLike<number>,
  a: ArrayLike<number>,
  outputGrad: ArrayLike<number>,
  X: ArrayLike<number>,
  shape: HeadShape & { readonly inputDim: number },
): Float64Array {
  const { sampleCount: n, width: m, inputDim: d } = shape;
  const D = hiddenGrad(activation, a, outputGrad, shape);
  const gradW = new Float64Array(m * d);
  for (let j = 0; j < m; j++) {
    for (let c = 0; c < d; c++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += D[i * m + j]! * X[i * d + c]!;
      gradW[j * d + c] = sum;
    }
  }
  return gradW;
}

/** L = (1/n) sum_i l(f(x_i), y_i). */
export function empiricalRisk(params: TwoLayerParams, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TwoLayerOptions): number {
  const { output } = forward(params, X, n, options);
  return meanLoss(lossAtOutput(output, y, options.loss).loss);
}

export interface Gradients {
  /** dL/da [m]. */
  readonly gradA: Float64Array;
  /** dL/dW = D^T X [m x d]. */
  readonly gradW: Float64Array;
  /** dL/db [m], when the network has a bias. */
  readonly gradB?: Float64Array;
  /** L at the current parameters. */
  readonly loss: number;
  /** f [n] at the current parameters. */
  readonly output: Float64Array;
}

/** Gradients of L in every parameter, by the same steps as the GPU path (forward, output_loss, neuron_grads, hidden_grad, D^T X). */
export function gradients(params: TwoLayerParams, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TwoLayerOptions): Gradients {
  const { width: m, inputDim: d } = params;
  const shape: HeadShape = { sampleCount: n, width: m, scaling: options.scaling, alpha: options.alpha ?? 1 };
  const { activation } = forward(params, X, n, options);
  const head = outputLoss(activation, params.a, y, shape, options.loss, options.outputOffset);
  const { gradA, gradB } = neuronGrads(activation, params.a, head.outputGrad, shape, params.b !== undefined);
  const D = hiddenGrad(activation, params.a, head.outputGrad, shape);
  // dL/dW_jk = sum_i D_ij X_ik
  const gradW = new Float64Array(m * d);
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < d; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += D[i * m + j]! * X[i * d + k]!;
      gradW[j * d + k] = sum;
    }
  }
  const result = { gradA, gradW, loss: meanLoss(head.loss), output: head.output };
  return gradB ? { ...result, gradB } : result;
}

/**
 * One full-batch gradient-descent step theta_s <- theta_s - lr c_s grad_s L, with c_s from stepScales (m for
 * mean-field particle time, 1 otherwise, docs/science.md section 0). Only the trainable parts move (c_s > 0):
 * 'first' updates W and b, 'second' updates a (the random feature model), 'both' all of them.
 */
export function trainStep(
  params: TwoLayerParams,
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  options: TwoLayerOptions & { readonly learningRate: number },
): TwoLayerParams {
  const scale = stepScales({ scaling: options.scaling, trainable: options.trainable ?? 'both', width: params.width });
  const grad = gradients(params, X, y, n, options);
  // A frozen tensor (c_s = 0) is copied, not stepped by 0.
  const descend = (value: Float64Array, gradient: Float64Array, c: number) => {
    if (c === 0) return value.slice();
    const step = options.learningRate * c;
    return value.map((v, k) => v - step * gradient[k]!);
  };
  const next: TwoLayerParams = {
    width: params.width,
    inputDim: params.inputDim,
    a: descend(params.a, grad.gradA, scale.a),
    W: descend(params.W, grad.gradW, scale.w),
  };
  if (!params.b) return next;
  return { ...next, b: descend(params.b, grad.gradB!, scale.w) };
}
