/**
 * Curvature of the two-layer network's empirical risk on the GPU: exact Hessian-vector products,
 * the sharpness lambda_max by power iteration and the trace by Hutchinson's estimator, composed from
 * the `hessian` kernels, the matmul family and two-layer's output_loss:
 *
 *   H = relu(X W^T + b), f, r = l'/n             matmul (bias-relu epilogue), output_loss   once per call
 *   S = X vW^T                                   matmul (transB)          } first layer trainable
 *   t = q u                                      hvp_jvp
 *   (Hv)_a, (Hv)_b, k                            hvp_neurons
 *   (Hv)_W = k^T X                               matmul (transA)          } first layer trainable
 *   (v . Hv, |Hv - shift v|^2)                   vector_dots, vector_dots_total   -> history[count]
 *   v <- (Hv - shift v) / |Hv - shift v|         vector_normalize                 (power iteration)
 *   v <- Rademacher probe number count           rademacher_fill                  (Hutchinson)
 *
 * Many iterations go into one queue submit; only the scalar history is read back (per chunk of
 * `checkEvery` iterations, to test convergence). Sharpness and traces are reported in the update
 * rule's units too (SCIENCE.md section 0: times m for mean-field). The float64 twins are in
 * src/reference/hessian.ts; they run the same recursion from the same start vector and probes.
 *
 * Centered models (f_alpha = alpha (f_theta - f_theta0)): f0 is a constant, so grad f and Hess f are those
 * of the uncentered net and only r = l'/n and q = l''/n change, through the shifted output. output_loss
 * runs centered on the caller's f0 buffer, and the HVP kernels read its f and r, so nothing else differs.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import { checkNetworkArrays, uploadNetwork, type NetworkBuffers } from './host-inputs';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../gpu/errors';
import type { BoundKernel } from '../gpu/kernel';
import { checkFinite, checkLength, checkSize } from '../gpu/validate';
import {
  bindHvpJvp,
  bindHvpNeurons,
  bindRademacherFill,
  bindVectorDots,
  bindVectorDotsTotal,
  bindVectorNormalize,
  hvpVariant,
  powerStateBytes,
  vectorDotsPartialCount,
  vectorLength,
  vectorParams,
  type HvpBuffers,
  type VectorBuffers,
} from '../kernels/hessian';
import { bindMatmul, matmulVariant } from '../kernels/matmul';
import { resolveMatmulAlgorithm } from '../kernels/matmul-autotune';
import { bindOutputLoss } from '../kernels/two-layer';
import type { TrainableParts } from '../model/conventions';
import type { TrainingSet, TwoLayerWeights } from '../model/two-layer-trainer';
import {
  HESSIAN_RANDOM_STREAMS,
  hutchinsonSummary,
  powerStartVector,
  trainableMask,
  updateUnitFactor,
  type HutchinsonResult,
  type PowerIterationResult,
  type SharpnessEstimate,
} from '../reference/hessian';

import type { NetworkSpec } from '../model/two-layer-passes';

const NAME = 'sharpness';

export interface GpuHessianConfig extends NetworkSpec {
  /** Samples n the empirical risk averages over. */
  readonly sampleCount: number;
  /** The Hessian is restricted to these parameters (default 'both'). */
  readonly trainable?: TrainableParts;
  /** Most reductions (power iterations or probes) one call may record (default 1024). */
  readonly historyCapacity?: number;
}

/**
 * The network and data the Hessian is taken at: GPU buffers X [n x d], y [n], a [m], W [m x d], b [m], and
 * f0 [n] = f_theta0(x_i) exactly when the model is centered.
 */
export interface GpuHessianInputs {
  readonly X: GPUBuffer;
  readonly y: GPUBuffer;
  readonly a: GPUBuffer;
  readonly W: GPUBuffer;
  readonly b?: GPUBuffer;
  readonly outputOffset?: GPUBuffer;
}

/** A parameter-space vector in float32 blocks: a [m], W [m x d], b [m] (exactly when the net has a bias). */
export interface ParamVector32 {
  readonly a: Float32Array;
  readonly W: Float32Array;
  readonly b?: Float32Array;
}

export interface GpuPowerIterationOptions {
  /** Most iterations (default 100). */
  readonly maxIterations?: number;
  /** Stop at the first k >= 2 with |rho_k - rho_{k-1}| <= tolerance |rho_k| (default 1e-5). */
  readonly tolerance?: number;
  /** Iterate on H - shift I (default 0). */
  readonly shift?: number;
  /** Iterations per submit between convergence checks (default 16). */
  readonly checkEvery?: number;
}

export interface GpuSharpnessOptions extends Omit<GpuPowerIterationOptions, 'shift'> {
  /** Seed of the start vector (powerStartVector of the reference: the twin starts from the same vector). */
  readonly seed: number;
}

export interface GpuHutchinsonOptions {
  readonly probeCount: number;
  readonly seed: number;
  /** Default HESSIAN_RANDOM_STREAMS.hutchinson. */
  readonly stream?: number;
  /** Probes per submit (default 64). */
  readonly probesPerSubmit?: number;
}

/** Hutchinson's estimate in operator units plus the trace of factor * Hessian (the update rule's units). */
export interface GpuTraceEstimate extends HutchinsonResult {
  readonly traceInUpdateUnits: number;
}

interface Kernels {
  readonly forward: readonly BoundKernel[];
  readonly hvp: readonly BoundKernel[];
  readonly dots: BoundKernel;
  readonly dotsTotal: BoundKernel;
  readonly normalize: BoundKernel;
  readonly fill: BoundKernel;
}

/** The Hessian of L at the weights in `inputs`, as an operator on GPU vectors. */
export class GpuHessian {
  private constructor(
    private readonly gpu: GpuContext,
    readonly config: GpuHessianConfig,
    private readonly buffers: Record<string, GPUBuffer>,
    private readonly kernels: Kernels,
  ) {}

  static async create(gpu: GpuContext, config: GpuHessianConfig, inputs: GpuHessianInputs): Promise<GpuHessian> {
    const { width: m, inputDim: d, sampleCount: n, hasBias } = config;
    checkSize(NAME, 'sampleCount', n);
    const vectorShape = { width: m, inputDim: d, hasBias };
    const length = vectorLength(gpu, NAME, vectorShape);
    const historyCapacity = config.historyCapacity ?? 1024;
    checkSize(NAME, 'historyCapacity', historyCapacity);
    if (hasBias !== (inputs.b !== undefined)) {
      throw new KernelArgumentError(NAME, 'inputs.b', hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
    }
    if ((config.centered ?? false) !== (inputs.outputOffset !== undefined)) {
      throw new KernelArgumentError(NAME, 'inputs.outputOffset', config.centered ? 'is required when centered is set' : 'is given but centered is not set');
    }
    const trainable = config.trainable ?? 'both';
    const variant = hvpVariant(trainable, hasBias);
    const partialCount = vectorDotsPartialCount(length);
    const f32 = (count: number) => count * 4;
    const buffer = (label: string, size: number) => createStorageBuffer(gpu, `${NAME}/${label}`, size);
    const own: Record<string, GPUBuffer> = {
      H: buffer('H', f32(n * m)),
      output: buffer('output', f32(n)),
      sampleLoss: buffer('sampleLoss', f32(n)),
      outputGrad: buffer('outputGrad', f32(n)),
      weightedJvp: buffer('weightedJvp', f32(n)),
      directionA: buffer('directionA', f32(m)),
      directionW: buffer('directionW', f32(m * d)),
      productA: buffer('productA', f32(m)),
      productW: buffer('productW', f32(m * d)),
      partials: buffer('partials', f32(2 * partialCount)),
      state: buffer('state', 16),
      history: buffer('history', f32(historyCapacity)),
    };
    if (hasBias) {
      own.directionB = buffer('directionB', f32(m));
      own.productB = buffer('productB', f32(m));
    }
    if (variant.firstLayer) {
      own.directionHidden = buffer('directionHidden', f32(n * m));
      own.hiddenCoefficient = buffer('hiddenCoefficient', f32(n * m));
    }
    const algorithm = await resolveMatmulAlgorithm(gpu, config.matmulAlgorithm ?? 'register');
    const head = { sampleCount: n, width: m, scaling: config.scaling, alpha: config.alpha ?? 1, loss: config.loss };
    const centered = config.centered ?? false;
    const hvpBuffers: HvpBuffers = {
      activation: own.H!, output: own.output!, y: inputs.y, outputGrad: own.outputGrad!, weightedJvp: own.weightedJvp!, a: inputs.a,
      directionA: own.directionA!, directionHidden: own.directionHidden, directionB: own.directionB,
      productA: own.productA!, hiddenCoefficient: own.hiddenCoefficient, productB: own.productB,
    };
    const vectorBuffers: VectorBuffers = {
      directionA: own.directionA!, directionW: own.directionW!, directionB: own.directionB,
      productA: own.productA!, productW: own.productW!, productB: own.productB,
      partials: own.partials!, state: own.state!, history: own.history!,
    };
    const kernels: Kernels = {
      forward: [
        await bindMatmul(gpu, matmulVariant({ algorithm, transB: true, epilogue: hasBias ? 'bias-relu' : 'relu' }), { batch: 1, m: n, n: m, k: d }, {
          a: inputs.X, b: inputs.W, c: own.H!, ...(inputs.b ? { bias: inputs.b } : {}),
        }),
        // Centered: f - f0 here feeds r and q to the HVP kernels (bindOutputLoss names a missing f0).
        await bindOutputLoss(gpu, { ...head, centered }, {
          activation: own.H!, a: inputs.a, y: inputs.y, output: own.output!, loss: own.sampleLoss!, outputGrad: own.outputGrad!,
          ...(inputs.outputOffset ? { outputOffset: inputs.outputOffset } : {}),
        }),
      ],
      hvp: [
        ...(variant.firstLayer
          ? [await bindMatmul(gpu, matmulVariant({ algorithm, transB: true }), { batch: 1, m: n, n: m, k: d }, { a: inputs.X, b: own.directionW!, c: own.directionHidden! })]
          : []),
        await bindHvpJvp(gpu, head, variant, hvpBuffers),
        await bindHvpNeurons(gpu, head, variant, hvpBuffers),
        ...(variant.firstLayer
          ? [await bindMatmul(gpu, matmulVariant({ algorithm, transA: true }), { batch: 1, m, n: d, k: n }, { a: own.hiddenCoefficient!, b: inputs.X, c: own.productW! })]
          : []),
      ],
      dots: await bindVectorDots(gpu, vectorShape, 0, vectorBuffers),
      dotsTotal: await bindVectorDotsTotal(gpu, partialCount, historyCapacity, vectorBuffers),
      normalize: await bindVectorNormalize(gpu, vectorShape, 0, vectorBuffers),
      fill: await bindRademacherFill(gpu, vectorShape, { seed: 0, stream: 0, trainable }, vectorBuffers),
    };
    return new GpuHessian(gpu, { ...config, trainable, historyCapacity }, own, kernels);
  }

  /** p: length of the flat vector [a | W | b]. */
  get parameterCount(): number {
    const { width: m, inputDim: d, hasBias } = this.config;
    return m * (d + 1) + (hasBias ? m : 0);
  }

  /** 1 on trainable coordinates of the flat vector, 0 on frozen ones. */
  get trainableMask(): Uint8Array {
    return trainableMask(this.config.width, this.config.inputDim, this.config.hasBias, this.config.trainable);
  }

  /** m for mean-field, else 1: eigenvalues in the update rule's units are factor * eigenvalues of the Hessian. */
  get updateUnitFactor(): number {
    return updateUnitFactor(this.config, this.config.width);
  }

  /** Hess L . v (restricted to the trainable parts: frozen blocks of v are ignored and come back zero). */
  async multiply(v: ParamVector32): Promise<ParamVector32> {
    const { width: m, inputDim: d, hasBias } = this.config;
    checkLength(NAME, 'v.a', v.a, m, `[${m}]`);
    checkLength(NAME, 'v.W', v.W, m * d, `[${m} x ${d}]`);
    if (hasBias !== (v.b !== undefined)) throw new KernelArgumentError(NAME, 'v.b', hasBias ? 'is required: the net has a bias' : 'is given but the net has no bias');
    if (v.b) checkLength(NAME, 'v.b', v.b, m, `[${m}]`);
    for (const [argument, values] of Object.entries(v)) if (values) checkFinite(NAME, `v.${argument}`, values);
    this.uploadDirection(this.maskedFlat(v));
    this.submit([...this.kernels.forward, ...this.kernels.hvp]);
    const b = this.buffers;
    const [a, W] = await Promise.all([readFloat32(this.gpu, b.productA!, m), readFloat32(this.gpu, b.productW!, m * d)]);
    return b.productB ? { a, W, b: await readFloat32(this.gpu, b.productB, m) } : { a, W };
  }

  /**
   * Power iteration from `start` (flat [a | W | b], normalised here): the recursion of powerIteration in
   * src/reference/hessian.ts. Estimates are in operator units (no update factor).
   */
  async powerIteration(start: ArrayLike<number>, options: GpuPowerIterationOptions = {}): Promise<PowerIterationResult> {
    const maxIterations = options.maxIterations ?? 100;
    const tolerance = options.tolerance ?? 1e-5;
    const checkEvery = options.checkEvery ?? 16;
    checkSize(NAME, 'maxIterations', maxIterations);
    checkSize(NAME, 'checkEvery', checkEvery);
    this.checkCapacity('maxIterations', maxIterations);
    if (!(tolerance >= 0)) throw new KernelArgumentError(NAME, 'tolerance', `must be >= 0, got ${tolerance}`);
    const flat = this.maskedFlat(start);
    checkFinite(NAME, 'start', flat);
    const norm = Math.sqrt(flat.reduce((sum, x) => sum + x * x, 0));
    if (!(norm > 0)) throw new KernelArgumentError(NAME, 'start', 'is zero on the trainable coordinates');
    this.setShift(options.shift ?? 0);
    this.resetState();
    for (let e = 0; e < flat.length; e++) flat[e]! /= norm;
    this.uploadDirection(flat);
    const { hvp, dots, dotsTotal, normalize } = this.kernels;
    let done = 0;
    let history: Float32Array = new Float32Array(0);
    while (done < maxIterations) {
      const chunk = Math.min(checkEvery, maxIterations - done);
      const kernels = done === 0 ? [...this.kernels.forward] : [];
      for (let k = 0; k < chunk; k++) kernels.push(...hvp, dots, dotsTotal, normalize);
      this.submit(kernels);
      history = await readFloat32(this.gpu, this.buffers.history!, done + chunk);
      for (let k = Math.max(2, done + 1); k <= done + chunk; k++) {
        const rho = history[k - 1]!;
        if (Math.abs(rho - history[k - 2]!) <= tolerance * Math.abs(rho)) {
          return { estimate: rho, iterations: k, converged: true, history: Float64Array.from(history) };
        }
      }
      done += chunk;
    }
    return { estimate: history[maxIterations - 1]!, iterations: maxIterations, converged: false, history: Float64Array.from(history) };
  }

  /**
   * Sharpness lambda_max by power iteration from the reference's start vector for `seed`; a negative
   * dominant eigenvalue triggers a second run shifted by it (see estimateSharpness of the twin).
   */
  async sharpness(options: GpuSharpnessOptions): Promise<SharpnessEstimate> {
    const start = powerStartVector(options.seed, this.trainableMask);
    const factor = this.updateUnitFactor;
    const first = await this.powerIteration(start, options);
    if (first.estimate >= 0) return { ...first, sharpness: factor * first.estimate, shift: 0 };
    const second = await this.powerIteration(start, { ...options, shift: first.estimate });
    return { ...second, sharpness: factor * second.estimate, shift: first.estimate };
  }

  /** Hutchinson's trace estimate with K Rademacher probes (probe k = counter step k of (seed, stream)). */
  async hutchinsonTrace(options: GpuHutchinsonOptions): Promise<GpuTraceEstimate> {
    const { probeCount } = options;
    const probesPerSubmit = options.probesPerSubmit ?? 64;
    checkSize(NAME, 'probeCount', probeCount);
    checkSize(NAME, 'probesPerSubmit', probesPerSubmit);
    this.checkCapacity('probeCount', probeCount);
    const { width, inputDim, hasBias, trainable } = this.config;
    const stream = options.stream ?? HESSIAN_RANDOM_STREAMS.hutchinson;
    this.kernels.fill.writeParams(this.gpu.device.queue, vectorParams({ width, inputDim, hasBias }, { seed: options.seed, stream, trainable }, NAME));
    this.setShift(0);
    this.resetState();
    const { hvp, dots, dotsTotal, fill } = this.kernels;
    for (let done = 0; done < probeCount; done += probesPerSubmit) {
      const kernels = done === 0 ? [...this.kernels.forward] : [];
      for (let k = done; k < Math.min(probeCount, done + probesPerSubmit); k++) kernels.push(fill, ...hvp, dots, dotsTotal);
      this.submit(kernels);
    }
    const summary = hutchinsonSummary(await readFloat32(this.gpu, this.buffers.history!, probeCount));
    return { ...summary, traceInUpdateUnits: this.updateUnitFactor * summary.estimate };
  }

  destroy(): void {
    const k = this.kernels;
    for (const kernel of [...k.forward, ...k.hvp, k.dots, k.dotsTotal, k.normalize, k.fill]) kernel.destroy();
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
  }

  private checkCapacity(argument: string, count: number): void {
    if (count > this.config.historyCapacity!) {
      throw new KernelArgumentError(NAME, argument, `is ${count}, over historyCapacity = ${this.config.historyCapacity}; raise it in the config`);
    }
  }

  /** The flat [a | W | b] vector of `v` with frozen coordinates zeroed. */
  private maskedFlat(v: ParamVector32 | ArrayLike<number>): Float32Array<ArrayBuffer> {
    const p = this.parameterCount;
    const flat = new Float32Array(p);
    if ('a' in v && 'W' in v) {
      flat.set(v.a, 0);
      flat.set(v.W, v.a.length);
      if (v.b) flat.set(v.b, v.a.length + v.W.length);
    } else {
      checkLength(NAME, 'start', v, p, `[${p}] (flat [a | W | b])`);
      flat.set(v);
    }
    const mask = this.trainableMask;
    for (let e = 0; e < p; e++) if (!mask[e]) flat[e] = 0;
    return flat;
  }

  private uploadDirection(flat: Float32Array<ArrayBuffer>): void {
    const { width: m, inputDim: d } = this.config;
    const { queue } = this.gpu.device;
    const b = this.buffers;
    queue.writeBuffer(b.directionA!, 0, flat, 0, m);
    queue.writeBuffer(b.directionW!, 0, flat, m, m * d);
    if (b.directionB) queue.writeBuffer(b.directionB, 0, flat, m + m * d, m);
  }

  private setShift(shift: number): void {
    if (!Number.isFinite(Math.fround(shift))) throw new KernelArgumentError(NAME, 'shift', `is ${shift}; it must be a finite float32`);
    const { width, inputDim, hasBias } = this.config;
    const params = vectorParams({ width, inputDim, hasBias }, { shift }, NAME);
    this.kernels.dots.writeParams(this.gpu.device.queue, params);
    this.kernels.normalize.writeParams(this.gpu.device.queue, params);
  }

  private resetState(): void {
    this.gpu.device.queue.writeBuffer(this.buffers.state!, 0, powerStateBytes(0, 0));
  }

  /** Records `kernels` into one compute pass and submits it (readbacks wait on the queue). */
  private submit(kernels: readonly BoundKernel[]): void {
    const encoder = this.gpu.device.createCommandEncoder({ label: `${NAME}/submit` });
    const pass = encoder.beginComputePass();
    for (const kernel of kernels) kernel.encode(pass);
    pass.end();
    this.gpu.device.queue.submit([encoder.finish()]);
  }
}

/** A training set plus, for a centered model, f0 [n] = f_theta0(x_i). */
export type HessianData = TrainingSet & { readonly outputOffset?: Float32Array };

/**
 * Uploads host weights and data, runs `work` on a GpuHessian over them, then frees everything.
 * Every array is checked (length, finiteness) before anything is allocated.
 */
export async function withGpuHessian<T>(
  gpu: GpuContext,
  config: GpuHessianConfig,
  weights: TwoLayerWeights,
  data: HessianData,
  work: (hessian: GpuHessian) => Promise<T>,
): Promise<T> {
  checkNetworkArrays(NAME, config, weights, data);
  const centered = config.centered ?? false;
  if (centered !== (data.outputOffset !== undefined)) {
    throw new KernelArgumentError(NAME, 'data.outputOffset', centered ? 'is required when centered is set' : 'is given but centered is not set');
  }
  if (data.outputOffset) {
    checkLength(NAME, 'data.outputOffset', data.outputOffset, config.sampleCount, `[${config.sampleCount}]`);
    checkFinite(NAME, 'data.outputOffset', data.outputOffset);
  }
  const inputs: NetworkBuffers & { outputOffset?: GPUBuffer } = {
    ...uploadNetwork(gpu, NAME, weights, data),
    ...(data.outputOffset ? { outputOffset: createStorageBuffer(gpu, `${NAME}/outputOffset`, data.outputOffset) } : {}),
  };
  let hessian: GpuHessian | undefined;
  try {
    hessian = await GpuHessian.create(gpu, config, { ...inputs, y: inputs.y! });
    return await work(hessian);
  } finally {
    hessian?.destroy();
    Object.values(inputs).forEach((buffer) => buffer.destroy());
  }
}

/** Hess L . v for host arrays (uploads, one HVP, reads back). */
export function hessianVectorProduct(gpu: GpuContext, config: GpuHessianConfig, weights: TwoLayerWeights, data: HessianData, v: ParamVector32): Promise<ParamVector32> {
  return withGpuHessian(gpu, config, weights, data, (hessian) => hessian.multiply(v));
}
