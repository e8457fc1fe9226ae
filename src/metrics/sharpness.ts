/**
 * Curvature of the two-layer network's empirical risk on the GPU: exact Hessian-vector products,
 * the sharpness lambda_max by Lanczos and the trace by Hutchinson's estimator, composed from the
 * `hessian` and `lanczos` kernels, the matmul family and two-layer's output_loss:
 *
 *   H = relu(X W^T + b), f, r = l'/n             matmul (bias-relu epilogue), output_loss   once per call
 *   S = X vW^T                                   matmul (transB)          } first layer trainable
 *   t = q u                                      hvp_jvp
 *   (Hv)_a, (Hv)_b, k                            hvp_neurons
 *   (Hv)_W = k^T X                               matmul (transA)          } first layer trainable
 *   alpha_k, w', beta_{k+1}, v_{k+1}             lanczos_dots/_total/_orthogonalize/_total/_next   (Lanczos)
 *   v <- Rademacher probe number count           rademacher_fill, then vector_dots(_total)  (Hutchinson)
 *   v . Hv, v . v for a v the caller writes      vector_dots(_total) twice  (batch sharpness: v = g_B)
 *
 * Lanczos (src/core/lanczos.ts) runs many iterations per queue submit with its scalars in a storage
 * buffer; only alpha and beta are read back, once per chunk of `checkEvery` iterations, for the host's
 * stopping rule on the tridiagonal T_k. The Ritz vector y = V_k s then comes from the basis v_0..v_{k-1},
 * which lanczos_next stores while it fits a memory budget (basisBytes, default 32 MiB: 100 iterations of
 * up to 84k parameters), in one lanczos_combine; past the budget a second pass replays the recurrence
 * from the same start vector with the first pass's alpha and beta (no reductions) and accumulates y, so
 * memory stays three vectors (v_k, v_{k-1}, y) at the price of k more products. One more product gives
 * the true residual |H y - theta y|: k + 1 products in all (2k + 1 with the replay). Results are in the
 * parameters' own units; `factor` (m for mean-field) converts to the update rule's (docs/science.md section 0).
 * The float64 twins are in src/float64/hessian.ts; they run the same algorithm from the same start
 * vector and probes. The config and inputs are in gpu-hessian-config.ts; with-gpu-hessian.ts runs the
 * operator on host arrays.
 *
 * Centered models (f_alpha = alpha (f_theta - f_theta0)): f0 is a constant, so grad f and Hess f are those
 * of the uncentered net and only r = l'/n and q = l''/n change, through the shifted output. output_loss
 * runs centered on the caller's f0 buffer, and the HVP kernels read its f and r, so nothing else differs.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import type { BoundKernel } from '../gpu/kernel';
import { checkFinite, checkLength, checkSize } from '../gpu/validate';
import {
  bindHvpJvp,
  bindHvpNeurons,
  bindRademacherFill,
  bindVectorDots,
  bindVectorDotsTotal,
  hvpVariant,
  probeStateBytes,
  vectorDotsPartialCount,
  vectorLength,
  vectorParams,
  type HvpBuffers,
  type ParameterBlocks,
  type VectorBuffers,
} from '../kernels/hessian';
import {
  LANCZOS_STATE_HEADER,
  bindLanczosAccumulate,
  bindLanczosCombine,
  bindLanczosDots,
  bindLanczosNext,
  bindLanczosOrthogonalize,
  bindLanczosScatter,
  bindLanczosTotal,
  lanczosParams,
  lanczosPartialCount,
  lanczosStateLength,
  type LanczosBuffers,
} from '../kernels/lanczos';
import { bindMatmul, matmulVariant } from '../kernels/matmul';
import { resolveMatmulAlgorithm } from '../kernels/matmul-autotune';
import { bindOutputLoss } from '../kernels/two-layer';
import { particleTimeFactor } from '../core/conventions';
import type { NetworkParameters } from '../core/network';
import type { GpuHessianConfig, GpuHessianInputs } from './gpu-hessian-config';
import {
  HESSIAN_RANDOM_STREAMS,
  hutchinsonSummary,
  sharpnessStartVector,
  trainableMask,
  type HutchinsonResult,
  type SharpnessEstimate,
} from '../float64/hessian';
import { LANCZOS_DEFAULTS, LANCZOS_MAX_ITERATIONS, firstConverged, topRitzPair, type LanczosOptions, type LanczosResult } from '../core/lanczos';

const NAME = 'sharpness';

/** Memory budget of the stored Lanczos basis: 32 MiB holds 100 vectors of 84k float32 parameters. */
export const LANCZOS_BASIS_BYTES = 32 * 2 ** 20;

/** A parameter-space vector in float32 blocks, laid out like the parameters. */
export type ParamVector32 = NetworkParameters<Float32Array>;

export interface GpuLanczosOptions extends LanczosOptions {
  /** Iterations per submit between convergence checks (default 16). */
  readonly checkEvery?: number;
  /** Read the unit Ritz vector y back into the result (p floats; default false). */
  readonly withVector?: boolean;
}

export interface GpuSharpnessOptions extends GpuLanczosOptions {
  /** Seed of the start vector (sharpnessStartVector of the reference: the twin starts from the same vector). */
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
  /** v . v: vector_dots with v bound as its own product. */
  readonly selfDots: BoundKernel;
  readonly fill: BoundKernel;
  readonly lanczos: LanczosKernels;
}

/** One bound kernel per step of the recurrence (the totals differ only in their mode uniform). */
interface LanczosKernels {
  readonly alpha: BoundKernel;
  readonly alphaTotal: BoundKernel;
  readonly orthogonalize: BoundKernel;
  readonly betaTotal: BoundKernel;
  readonly next: BoundKernel;
  readonly accumulate: BoundKernel;
  readonly combine: BoundKernel;
  readonly advance: BoundKernel;
  readonly scatter: BoundKernel;
  readonly residual: BoundKernel;
  readonly residualTotal: BoundKernel;
}

/** The Hessian of L at the weights in `inputs`, as an operator on GPU vectors. */
export class GpuHessian {
  private constructor(
    private readonly gpu: GpuContext,
    readonly config: GpuHessianConfig,
    private readonly buffers: Record<string, GPUBuffer>,
    private readonly kernels: Kernels,
    /** Lanczos vectors the basis buffer holds (0: the Ritz vector always comes from a replay). */
    readonly basisRows: number,
  ) {}

  static async create(gpu: GpuContext, config: GpuHessianConfig, inputs: GpuHessianInputs): Promise<GpuHessian> {
    const { width: m, inputDim: d, sampleCount: n, hasBias } = config;
    checkSize(NAME, 'sampleCount', n);
    const vectorShape = { width: m, inputDim: d, hasBias };
    const length = vectorLength(gpu, NAME, vectorShape);
    const historyCapacity = config.historyCapacity ?? LANCZOS_MAX_ITERATIONS;
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
    const lanczosPartials = lanczosPartialCount(length);
    // Basis rows: the iterations asked for, as far as the budget and one storage binding allow.
    const basisLimit = Math.min(config.basisBytes ?? LANCZOS_BASIS_BYTES, gpu.device.limits.maxStorageBufferBindingSize, gpu.device.limits.maxBufferSize);
    const basisRows = Math.min(config.basisIterations ?? LANCZOS_DEFAULTS.maxIterations, historyCapacity, Math.floor(basisLimit / (4 * length)));
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
      partials: buffer('partials', f32(partialCount)),
      state: buffer('state', 16),
      history: buffer('history', f32(historyCapacity)),
      current: buffer('current', f32(length)),
      previous: buffer('previous', f32(length)),
      ritz: buffer('ritz', f32(length)),
      lanczosPartials: buffer('lanczosPartials', f32(4 * lanczosPartials)),
      lanczosState: buffer('lanczosState', f32(lanczosStateLength(historyCapacity))),
      basis: buffer('basis', f32(Math.max(1, basisRows * length))),
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
    const blocks: ParameterBlocks = {
      directionA: own.directionA!, directionW: own.directionW!, directionB: own.directionB,
      productA: own.productA!, productW: own.productW!, productB: own.productB,
    };
    const vectorBuffers: VectorBuffers = { ...blocks, partials: own.partials!, state: own.state!, history: own.history! };
    const lanczosBuffers: LanczosBuffers = {
      ...blocks, current: own.current!, previous: own.previous!, ritz: own.ritz!, partials: own.lanczosPartials!, state: own.lanczosState!, basis: own.basis!,
    };
    const settings = { capacity: historyCapacity, basisRows };
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
      dots: await bindVectorDots(gpu, vectorShape, vectorBuffers),
      // Read-only bindings may alias: v is both operands.
      selfDots: await bindVectorDots(gpu, vectorShape, { ...vectorBuffers, productA: own.directionA!, productW: own.directionW!, productB: own.directionB }),
      dotsTotal: await bindVectorDotsTotal(gpu, partialCount, historyCapacity, vectorBuffers),
      fill: await bindRademacherFill(gpu, vectorShape, { seed: 0, stream: 0, trainable }, vectorBuffers),
      lanczos: {
        alpha: await bindLanczosDots(gpu, vectorShape, settings, { ...lanczosBuffers, vector: own.current! }),
        alphaTotal: await bindLanczosTotal(gpu, vectorShape, { ...settings, mode: 'alpha' }, lanczosBuffers),
        orthogonalize: await bindLanczosOrthogonalize(gpu, vectorShape, settings, lanczosBuffers),
        betaTotal: await bindLanczosTotal(gpu, vectorShape, { ...settings, mode: 'beta' }, lanczosBuffers),
        next: await bindLanczosNext(gpu, vectorShape, settings, lanczosBuffers),
        accumulate: await bindLanczosAccumulate(gpu, vectorShape, settings, lanczosBuffers),
        combine: await bindLanczosCombine(gpu, vectorShape, settings, lanczosBuffers),
        advance: await bindLanczosTotal(gpu, vectorShape, { ...settings, mode: 'advance' }, lanczosBuffers),
        scatter: await bindLanczosScatter(gpu, vectorShape, settings, lanczosBuffers),
        residual: await bindLanczosDots(gpu, vectorShape, settings, { ...lanczosBuffers, vector: own.ritz! }),
        residualTotal: await bindLanczosTotal(gpu, vectorShape, { ...settings, mode: 'residual' }, lanczosBuffers),
      },
    };
    return new GpuHessian(gpu, { ...config, trainable, historyCapacity }, own, kernels, basisRows);
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
    return particleTimeFactor(this.config.scaling, this.config.width);
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
   * Lanczos from `start` (flat [a | W | b], normalised here; frozen coordinates zeroed): the algorithm of
   * lanczos in src/core/lanczos.ts, with the same stopping rule checked on the coefficients read back
   * after every chunk of `checkEvery` iterations. Results are in operator units (no update factor).
   */
  async lanczos(start: ArrayLike<number>, options: GpuLanczosOptions = {}): Promise<LanczosResult> {
    const maxIterations = options.maxIterations ?? LANCZOS_DEFAULTS.maxIterations;
    const tolerance = options.tolerance ?? LANCZOS_DEFAULTS.tolerance;
    const checkEvery = options.checkEvery ?? 16;
    checkSize(NAME, 'maxIterations', maxIterations);
    checkSize(NAME, 'checkEvery', checkEvery);
    this.checkCapacity('maxIterations', maxIterations);
    if (!(tolerance >= 0)) throw new KernelArgumentError(NAME, 'tolerance', `must be >= 0, got ${tolerance}`);
    const flat = this.maskedFlat(start);
    checkFinite(NAME, 'start', flat);
    let squares = 0;
    for (const x of flat) squares += x * x;
    const norm = Math.sqrt(squares);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new KernelArgumentError(NAME, 'start', 'is zero on the trainable coordinates (or overflows)');
    for (let e = 0; e < flat.length; e++) flat[e]! /= norm;
    const k = this.kernels.lanczos;
    const { hvp } = this.kernels;

    // Pass 1: the recurrence, checkEvery iterations per submit, alpha and beta read back after each.
    this.startRecurrence(flat);
    let done = 0;
    let stop: number | undefined;
    let coefficients: { alphas: Float64Array; betas: Float64Array } = { alphas: new Float64Array(0), betas: new Float64Array(0) };
    while (done < maxIterations && stop === undefined) {
      const chunk = Math.min(checkEvery, maxIterations - done);
      const kernels = done === 0 ? [...this.kernels.forward] : [];
      for (let j = 0; j < chunk; j++) kernels.push(...hvp, k.alpha, k.alphaTotal, k.orthogonalize, k.betaTotal, k.next);
      this.submit(kernels);
      coefficients = await this.readCoefficients(done + chunk);
      if (![...coefficients.alphas, ...coefficients.betas].every(Number.isFinite)) return notFinite(coefficients, done + chunk);
      stop = firstConverged(coefficients, done + 1, done + chunk, tolerance);
      done += chunk;
    }
    const iterations = stop ?? maxIterations;
    const pair = topRitzPair(coefficients, iterations, true);

    // y = sum_j s_j v_j: from the stored basis, or by replaying v_0..v_{k-1} with pass 1's coefficients. Then |H y - theta y|.
    const { queue } = this.gpu.device;
    const capacity = this.config.historyCapacity!;
    const { width, inputDim, hasBias } = this.config;
    const params = (settings: { theta?: number; ritzCount?: number }) =>
      lanczosParams({ width, inputDim, hasBias }, { capacity, basisRows: this.basisRows, ...settings }, lanczosPartialCount(this.parameterCount), NAME);
    queue.writeBuffer(this.buffers.lanczosState!, (LANCZOS_STATE_HEADER + 2 * capacity) * 4, Float32Array.from(pair.vector!));
    const ritz: BoundKernel[] = [];
    if (iterations <= this.basisRows) {
      k.combine.writeParams(queue, params({ ritzCount: iterations }));
      ritz.push(k.combine);
    } else {
      this.startRecurrence(flat);
      for (let j = 0; j < iterations; j++) {
        ritz.push(k.accumulate);
        if (j < iterations - 1) ritz.push(...hvp, k.orthogonalize, k.advance, k.next);
      }
    }
    k.residual.writeParams(queue, params({ theta: pair.value }));
    this.submit([...ritz, k.scatter, ...hvp, k.residual, k.residualTotal]);
    const header = await readFloat32(this.gpu, this.buffers.lanczosState!, LANCZOS_STATE_HEADER);
    const [residualSquared, normSquared] = [header[2]!, header[3]!];
    const vector = options.withVector ? await this.readRitzVector(normSquared) : undefined;
    return {
      estimate: pair.value,
      residual: normSquared > 0 ? Math.sqrt(residualSquared / normSquared) : 0,
      ritzEstimate: pair.estimate,
      converged: stop !== undefined,
      iterations,
      alphas: coefficients.alphas.slice(0, iterations),
      betas: coefficients.betas.slice(0, iterations),
      ...(vector ? { vector } : {}),
    };
  }

  /** Sharpness lambda_max (parameter units) by Lanczos from the reference's start vector for `seed`. */
  async sharpness(options: GpuSharpnessOptions): Promise<SharpnessEstimate> {
    const result = await this.lanczos(sharpnessStartVector(options.seed, this.trainableMask), options);
    return { ...result, sharpness: result.estimate, factor: this.updateUnitFactor };
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
    this.gpu.device.queue.writeBuffer(this.buffers.state!, 0, probeStateBytes(0));
    const { hvp, dots, dotsTotal, fill } = this.kernels;
    for (let done = 0; done < probeCount; done += probesPerSubmit) {
      const kernels = done === 0 ? [...this.kernels.forward] : [];
      for (let k = done; k < Math.min(probeCount, done + probesPerSubmit); k++) kernels.push(fill, ...hvp, dots, dotsTotal);
      this.submit(kernels);
    }
    const summary = hutchinsonSummary(await readFloat32(this.gpu, this.buffers.history!, probeCount));
    return { ...summary, traceInUpdateUnits: this.updateUnitFactor * summary.estimate };
  }

  /**
   * v_k . H v_k and |v_k|^2 (parameter units) for `count` directions that `write(encoder, direction, k)` records
   * into the direction blocks (a caller's copy of a minibatch gradient, say; its queue writes land before the
   * submit that follows). Frozen blocks are cleared after the write, so both numbers are those of v restricted to
   * the trainable parameters. One submit per direction, one read-back at the end.
   */
  async directionalCurvatures(
    count: number,
    write: (encoder: GPUCommandEncoder, direction: NetworkParameters<GPUBuffer>, k: number) => void,
  ): Promise<{ curvature: number; normSquared: number }[]> {
    checkSize(NAME, 'count', count);
    this.checkCapacity('count (two reductions each)', 2 * count);
    const b = this.buffers;
    const { trainable } = this.config;
    const direction = { a: b.directionA!, W: b.directionW!, ...(b.directionB ? { b: b.directionB } : {}) };
    const frozen = [...(trainable === 'first' ? [direction.a] : []), ...(trainable === 'second' ? [direction.W, ...(direction.b ? [direction.b] : [])] : [])];
    const { device } = this.gpu;
    device.queue.writeBuffer(b.state!, 0, probeStateBytes(0));
    const { forward, hvp, dots, dotsTotal, selfDots } = this.kernels;
    for (let k = 0; k < count; k++) {
      const encoder = device.createCommandEncoder({ label: `${NAME}/directional-curvature` });
      write(encoder, direction, k);
      for (const block of frozen) encoder.clearBuffer(block);
      const pass = encoder.beginComputePass();
      for (const kernel of [...forward, ...hvp, dots, dotsTotal, selfDots, dotsTotal]) kernel.encode(pass);
      pass.end();
      device.queue.submit([encoder.finish()]);
    }
    const history = await readFloat32(this.gpu, b.history!, 2 * count);
    return Array.from({ length: count }, (_, k) => ({ curvature: history[2 * k]!, normSquared: history[2 * k + 1]! }));
  }

  destroy(): void {
    const k = this.kernels;
    for (const kernel of [...k.forward, ...k.hvp, k.dots, k.dotsTotal, k.selfDots, k.fill, ...Object.values(k.lanczos)]) kernel.destroy();
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

  /** Lanczos from the unit `flat`: v_0 in current and the direction blocks, v_{-1} = 0, y = 0, k = 0. */
  private startRecurrence(flat: Float32Array<ArrayBuffer>): void {
    const b = this.buffers;
    const { queue } = this.gpu.device;
    this.uploadDirection(flat);
    queue.writeBuffer(b.current!, 0, flat);
    const zeros = new Float32Array(flat.length);
    queue.writeBuffer(b.previous!, 0, zeros);
    queue.writeBuffer(b.ritz!, 0, zeros);
    queue.writeBuffer(b.lanczosState!, 0, new Float32Array(LANCZOS_STATE_HEADER));
    if (this.basisRows > 0) queue.writeBuffer(b.basis!, 0, flat);
  }

  /** y / |y| from the ritz buffer (|y|^2 as the residual reduction summed it). */
  private async readRitzVector(normSquared: number): Promise<Float64Array> {
    const y = await readFloat32(this.gpu, this.buffers.ritz!, this.parameterCount);
    const norm = Math.sqrt(normSquared);
    return Float64Array.from(y, (x) => (norm > 0 ? x / norm : x));
  }

  /** alpha_0..alpha_{k-1} and beta_1..beta_k from the state buffer. */
  private async readCoefficients(k: number): Promise<{ alphas: Float64Array; betas: Float64Array }> {
    const values = await readFloat32(this.gpu, this.buffers.lanczosState!, LANCZOS_STATE_HEADER + 2 * k);
    const alphas = new Float64Array(k);
    const betas = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      alphas[j] = values[LANCZOS_STATE_HEADER + 2 * j]!;
      betas[j] = values[LANCZOS_STATE_HEADER + 2 * j + 1]!;
    }
    return { alphas, betas };
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

/** What Lanczos reports when the operator produced a NaN or infinity: that, and nothing else. */
function notFinite(coefficients: { alphas: Float64Array; betas: Float64Array }, iterations: number): LanczosResult {
  return { estimate: NaN, residual: NaN, ritzEstimate: NaN, converged: false, iterations, ...coefficients };
}
