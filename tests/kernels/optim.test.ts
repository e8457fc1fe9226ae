import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { OPTIMIZER_SCALAR_SLOTS } from '../../shaders/optim.wgsl';
import { createStorageBuffer, readFloat32 } from '../../src/gpu/buffers';
import type { GpuContext } from '../../src/gpu/device';
import { KernelArgumentError } from '../../src/core/errors';
import { runKernels } from '../../src/gpu/kernel';
import { bindOptimizerUpdate } from '../../src/kernels/optim';
import { bindNormTotal, bindSquaredNorm } from '../../src/kernels/optim-norms';
import { bindProximalGrad } from '../../src/kernels/optim-proximal';
import { bindSamPerturb, bindSamRestore } from '../../src/kernels/optim-sam';
import { createOptimizerScalars, createOptimizerStateBuffers } from '../../src/kernels/optim-buffers';
import { GpuOptimizer } from '../../src/optim/gpu-optimizer';
import { GpuProximalTerm } from '../../src/optim/gpu-proximal';
import { runOptimizerOnGpu, type HostGradient } from '../../src/optim/run-on-gpu';
import type { OptimizerRuleInput } from '../../src/core/update-rules';
import * as reference from '../../src/float64/optim';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { expectClose, F32_EPSILON, reductionTolerance, testValues, type Tolerance } from '../helpers/tolerance';

/**
 * A few float32 steps against float64 ones on the same gradient function. A step rounds u = c g, the
 * state update, the direction and theta - lr d about 5 times, on values <= ~2 (<= ~10 eps each), and
 * the float32 params feed back into the next gradient through a contracting quadratic: over 4 steps
 * the worst case is ~40 eps; measured <= 5 eps (momentum), <= 2 eps for the others. Adam, AdaGrad and
 * the normalized rules divide by quantities of size |u| >~ 1e-3 here, so they stay well-conditioned.
 * 64 eps (~4e-6) keeps room above the worst case and is far below the O(lr) = O(0.1) change a wrong
 * index or coefficient makes.
 */
const STEPS_TOLERANCE: Tolerance = { abs: 64 * F32_EPSILON, rel: 64 * F32_EPSILON };

/** Every rule (SAM over two bases) with the learning rate of its tests. */
const RULES: [string, OptimizerRuleInput, number][] = [
  ['gd', { kind: 'gd' }, 0.1],
  ['momentum', { kind: 'momentum', beta: 0.8 }, 0.1],
  ['nesterov', { kind: 'nesterov', beta: 0.8 }, 0.1],
  ['normalized-gd (loss)', { kind: 'normalized-gd', normalizer: 'loss' }, 0.05],
  ['normalized-gd (grad-norm)', { kind: 'normalized-gd', normalizer: 'grad-norm' }, 0.2],
  ['adagrad', { kind: 'adagrad' }, 0.1],
  ['adanorm', { kind: 'adanorm', delta0: 0.5 }, 0.3],
  ['adam', { kind: 'adam', beta1: 0.8, beta2: 0.9 }, 0.05],
  ['sam (gd)', { kind: 'sam', rho: 0.1 }, 0.1],
  ['sam (adam)', { kind: 'sam', rho: 0.1, base: { kind: 'adam' } }, 0.05],
];

/** Awkward sizes: 1, one past a workgroup, a few workgroups; the last tensor frozen. */
const SIZES = [1, ELEMENTWISE_WORKGROUP_SIZE + 1, 3 * ELEMENTWISE_WORKGROUP_SIZE + 7];
const STEP_SCALES = [1, 3, 0];

/** L = sum_s 0.5 sum_i h_si (theta_si - r_si)^2 with h in [0.5, 1.5]: convex, loss > 0 away from r. */
function quadratic(sizes: readonly number[], seed: number) {
  const curvature = sizes.map((n, s) => Float64Array.from(testValues(n, seed + s), (v) => 1 + 0.5 * v));
  const center = sizes.map((n, s) => testValues(n, seed + 10 + s));
  const at = (params: readonly ArrayLike<number>[]) => {
    let loss = 0;
    const grads = params.map((theta, s) =>
      Float64Array.from({ length: theta.length }, (_, i) => {
        const e = theta[i]! - center[s]![i]!;
        loss += 0.5 * curvature[s]![i]! * e * e;
        return curvature[s]![i]! * e;
      }),
    );
    return { grads, loss };
  };
  return { at, lossAt: (params: readonly ArrayLike<number>[]) => at(params).loss };
}

/** The twin's run of the same steps. */
function referenceRun(rule: OptimizerRuleInput, init: readonly Float32Array[], stepScales: readonly number[], stepCount: number, lr: number, gradientAt: reference.GradientFunction) {
  const params = init.map((values) => Float64Array.from(values));
  const state = reference.createOptimizerState(rule, params.map((p) => p.length));
  for (let k = 0; k < stepCount; k++) {
    const step = { stepIndex: k, learningRate: lr };
    if ((rule as { kind: string }).kind === 'sam') reference.samStep(rule, params, gradientAt, stepScales, state, step);
    else {
      const { grads, loss } = gradientAt(params);
      reference.optimizerStep(rule, params, grads, stepScales, state, { ...step, ...(loss !== undefined ? { loss } : {}) });
    }
  }
  return { params, state };
}

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

describe('optim: every rule against its float64 twin', () => {
  it.each(RULES)('%s: 4 steps over tensors of 1, 65 and 199 elements, the last frozen', async (_name, rule, lr) => {
    const problem = quadratic(SIZES, 7);
    const init = SIZES.map((n, s) => testValues(n, 100 + s));
    init[2]![0] = -0; // a frozen tensor must keep -0 bit for bit
    const gradient: HostGradient = (params) => problem.at(params);
    const gpuRun = await onGpu(`optim ${_name}`, (gpu) => runOptimizerOnGpu(gpu, rule, init, STEP_SCALES, { stepCount: 4, learningRate: () => lr, gradient }));
    const twin = referenceRun(rule, init, STEP_SCALES, 4, lr, problem.at);
    for (let s = 0; s < 2; s++) expectClose(gpuRun.params[s]!, twin.params[s]!, STEPS_TOLERANCE, `tensor ${s}`);
    expect(bitsOf(gpuRun.params[2]!)).toEqual(bitsOf(init[2]!));
    for (const [name, arrays] of Object.entries(twin.state.perTensor)) {
      if (name === 'saved') continue;
      for (let s = 0; s < 2; s++) expectClose(gpuRun.state[s]![name as 'velocity']!, arrays[s]!, STEPS_TOLERANCE, `state ${name}[${s}]`);
    }
    expect(problem.lossAt(gpuRun.params)).toBeLessThan(problem.lossAt(init));
  });

  it.each(RULES)('%s decreases a convex quadratic over 25 steps', async (_name, rule, lr) => {
    // Dividing by L ~ 10 makes the loss-normalized step 10x shorter at the start: give it a longer rate.
    const rate = (rule as { normalizer?: string }).normalizer === 'loss' ? 10 * lr : lr;
    const sizes = [8, 3];
    const problem = quadratic(sizes, 21);
    const init = sizes.map((n, s) => testValues(n, 200 + s).map((v) => 2 * v));
    const gpuRun = await onGpu(`optim ${_name} quadratic`, (gpu) =>
      runOptimizerOnGpu(gpu, rule, init, [1, 1], { stepCount: 25, learningRate: () => rate, gradient: (params) => problem.at(params) }),
    );
    expect(problem.lossAt(gpuRun.params)).toBeLessThan(0.5 * problem.lossAt(init));
  });
});

describe('optim: reductions', () => {
  it('squared_norm + norm_total give |u|_M^2 = sum_s c_s |g_s|^2 and accumulate it', async () => {
    const sizes = [1, 64, 65, 1000];
    const scales = [2, 1, 0.5, 3];
    const grads = sizes.map((n, s) => testValues(n, 30 + s));
    const result = await onGpu('squared norms', async (gpu) => {
      const { buffer: scalars, layout } = createOptimizerScalars(gpu, sizes);
      const gradBuffers = grads.map((g, s) => createStorageBuffer(gpu, `grad${s}`, g));
      const kernels = await Promise.all(gradBuffers.map((grad, s) => bindSquaredNorm(gpu, { grad, elementCount: sizes[s]!, stepScale: scales[s]! }, scalars, layout.partialOffsets[s]!)));
      const total = await bindNormTotal(gpu, scalars, layout.partialCount, true);
      await runKernels(gpu, 'norms twice', [...kernels, total, ...kernels, total]);
      const values = await readFloat32(gpu, scalars, layout.elementCount);
      [...kernels, total, scalars, ...gradBuffers].forEach((x) => x.destroy());
      return values;
    });
    const expected = reference.gradientNormSquared(grads, scales);
    // sum of 1130 squares of magnitude <= 3: the reduction tolerance on that many terms.
    const tolerance = reductionTolerance(1130, 3);
    expectClose([result[OPTIMIZER_SCALAR_SLOTS.gradientNormSquared]!], [expected], tolerance, '|u|^2');
    expectClose([result[OPTIMIZER_SCALAR_SLOTS.gradientNormSquaredSum]!], [2 * expected], tolerance, 'running sum after two steps');
  });

  it('runs past the dispatch limit: normalized-gd by the gradient norm on > 65535 workgroups', async () => {
    const gpu = await getTestGpu();
    const n = gpu.device.limits.maxComputeWorkgroupsPerDimension * ELEMENTWISE_WORKGROUP_SIZE + 3;
    const init = testValues(n, 41);
    const grad = testValues(n, 43);
    const rule: OptimizerRuleInput = { kind: 'normalized-gd', normalizer: 'grad-norm' };
    const lr = 100;
    const gpuRun = await onGpu('normalized-gd past the dispatch limit', (g) =>
      runOptimizerOnGpu(g, rule, [init], [2], { stepCount: 1, learningRate: () => lr, gradient: () => ({ grads: [grad] }) }),
    );
    const twin = referenceRun(rule, [init], [2], 1, lr, () => ({ grads: [grad] }));
    // |u| sums n squares (reduction tolerance), then each element is one ratio and one fma:
    // the step lr |u_i| / |u| <= ~0.03 carries the norm's relative error.
    const normTolerance = reductionTolerance(n);
    expectClose([gpuRun.scalars![0]!], [reference.gradientNormSquared([grad], [2])], reductionTolerance(n, 2), '|u|^2');
    expectClose(gpuRun.params[0]!, twin.params[0]!, { abs: 4 * F32_EPSILON + normTolerance.rel * 0.05, rel: 4 * F32_EPSILON }, 'params');
  });
});

describe('optim: Adam', () => {
  it('takes theta - lr u / (|u| + eps) at t = 1 (bias correction exact)', async () => {
    const n = 70;
    const init = testValues(n, 51);
    const grad = testValues(n, 53);
    const lr = 0.01;
    const c = 4;
    const gpuRun = await onGpu('adam t = 1', (gpu) =>
      runOptimizerOnGpu(gpu, { kind: 'adam' }, [init], [c], { stepCount: 1, learningRate: () => lr, gradient: () => ({ grads: [grad] }) }),
    );
    const expected = Float64Array.from(init, (theta, i) => theta - (lr * c * grad[i]!) / (Math.abs(c * grad[i]!) + 1e-8));
    // m / (1 - beta1) and sqrt(v / (1 - beta2)) are each |u| to within 2-3 roundings: a few eps of lr.
    expectClose(gpuRun.params[0]!, expected, { abs: 8 * F32_EPSILON * lr, rel: 2 * F32_EPSILON }, 'theta after the first step');
  });

  it('follows a per-step params table (bias correction, learning rate, loss slot) in one submit', async () => {
    const sizes = [5, 67];
    const init = sizes.map((n, s) => testValues(n, 60 + s));
    const grads = sizes.map((n, s) => testValues(n, 70 + s));
    const rates = [0.05, 0.04, 0.03];
    const losses = [2, 1.5, 0.75];
    for (const rule of [{ kind: 'adam' }, { kind: 'normalized-gd', normalizer: 'loss' }] as OptimizerRuleInput[]) {
      const result = await onGpu('params table', async (gpu) => {
        const lossBuffer = createStorageBuffer(gpu, 'losses', new Float32Array(losses));
        const tensors = sizes.map((n, s) => ({
          label: `t${s}`,
          param: createStorageBuffer(gpu, `param${s}`, init[s]!),
          grad: createStorageBuffer(gpu, `grad${s}`, grads[s]!),
          elementCount: n,
          stepScale: 2,
        }));
        const optimizer = await GpuOptimizer.create(gpu, rule, tensors, { losses: lossBuffer });
        const table = optimizer.createStepTable(rates.map((learningRate, k) => ({ stepIndex: k, learningRate, lossSlot: k })));
        const encoder = gpu.device.createCommandEncoder();
        for (let k = 0; k < rates.length; k++) {
          optimizer.copyStep(encoder, table, k);
          const pass = encoder.beginComputePass();
          optimizer.encodeUpdate(pass);
          pass.end();
        }
        gpu.device.queue.submit([encoder.finish()]);
        const params = await Promise.all(tensors.map((t) => readFloat32(gpu, t.param, t.elementCount)));
        optimizer.destroy();
        [table, lossBuffer, ...tensors.flatMap((t) => [t.param, t.grad])].forEach((b) => b.destroy());
        return params;
      });
      const params = init.map((values) => Float64Array.from(values));
      const state = reference.createOptimizerState(rule, sizes);
      rates.forEach((learningRate, k) => reference.optimizerStep(rule, params, grads, [2, 2], state, { stepIndex: k, learningRate, loss: losses[k]! }));
      sizes.forEach((_, s) => expectClose(result[s]!, params[s]!, STEPS_TOLERANCE, `${(rule as { kind: string }).kind} tensor ${s}`));
    }
  });
});

describe('optim: SAM kernels', () => {
  it('perturbs by rho u / |u|_M and restores bit for bit', async () => {
    const sizes = [1, 65, 130];
    const scales = [1, 4, 0];
    const init = sizes.map((n, s) => testValues(n, 80 + s));
    init[0]![0] = -0;
    init[1]![3] = 1e-40; // a subnormal: restore must not flush it
    const grads = sizes.map((n, s) => testValues(n, 90 + s));
    const rule: OptimizerRuleInput = { kind: 'sam', rho: 0.3 };
    const { perturbed, restored } = await onGpu('sam round trip', async (gpu) => {
      const { buffer: scalars, layout } = createOptimizerScalars(gpu, sizes);
      const tensors = sizes.map((n, s) => ({
        param: createStorageBuffer(gpu, `param${s}`, init[s]!),
        grad: createStorageBuffer(gpu, `grad${s}`, grads[s]!),
        elementCount: n,
        stepScale: scales[s]!,
      }));
      const saved = tensors.map((t, s) => createOptimizerStateBuffers(gpu, { kind: 'sam' }, t.elementCount, `sam${s}`).saved!);
      const norms = await Promise.all(tensors.map((t, s) => bindSquaredNorm(gpu, t, scalars, layout.partialOffsets[s]!)));
      const total = await bindNormTotal(gpu, scalars, layout.partialCount, false);
      const perturb = await Promise.all(tensors.map((t, s) => bindSamPerturb(gpu, rule, t, saved[s]!, scalars)));
      const restore = await Promise.all(tensors.map((t, s) => bindSamRestore(gpu, t, saved[s]!)));
      await runKernels(gpu, 'sam perturb', [...norms, total, ...perturb]);
      const perturbedParams = await Promise.all(tensors.map((t) => readFloat32(gpu, t.param, t.elementCount)));
      await runKernels(gpu, 'sam restore', restore);
      const restoredParams = await Promise.all(tensors.map((t) => readFloat32(gpu, t.param, t.elementCount)));
      [...norms, total, ...perturb, ...restore, scalars, ...saved, ...tensors.flatMap((t) => [t.param, t.grad])].forEach((x) => x.destroy());
      return { perturbed: perturbedParams, restored: restoredParams };
    });
    const params = init.map((values) => Float64Array.from(values));
    const state = reference.createOptimizerState(rule, sizes);
    reference.samPerturb(rule, params, grads, scales, state);
    // theta + rho c g / |u|: one norm (reduction over 196 terms) and two roundings per element.
    const tolerance = reductionTolerance(196, 1);
    for (let s = 0; s < 2; s++) expectClose(perturbed[s]!, params[s]!, tolerance, `perturbed ${s}`);
    expect(bitsOf(perturbed[2]!)).toEqual(bitsOf(init[2]!));
    for (let s = 0; s < 3; s++) expect(bitsOf(restored[s]!)).toEqual(bitsOf(init[s]!));
  });
});

describe('optim: proximal (JKO) term', () => {
  it('proximal_grad adds (theta - anchor) / (tau c) and leaves frozen gradients alone', async () => {
    const sizes = [1, 65, 9];
    const scales = [1, 8, 0];
    const tau = 0.25;
    const params = sizes.map((n, s) => testValues(n, 110 + s));
    const anchor = sizes.map((n, s) => testValues(n, 120 + s));
    const grads = sizes.map((n, s) => testValues(n, 130 + s));
    const result = await onGpu('proximal_grad', async (gpu) => {
      const out: Float32Array[] = [];
      for (let s = 0; s < sizes.length; s++) {
        const tensor = { param: createStorageBuffer(gpu, 'p', params[s]!), grad: createStorageBuffer(gpu, 'g', grads[s]!), elementCount: sizes[s]!, stepScale: scales[s]! };
        const anchorBuffer = createStorageBuffer(gpu, 'anchor', anchor[s]!);
        const kernel = await bindProximalGrad(gpu, tensor, anchorBuffer, tau);
        await runKernels(gpu, 'proximal_grad', [kernel]);
        out.push(await readFloat32(gpu, tensor.grad, sizes[s]!));
        [kernel, tensor.param, tensor.grad, anchorBuffer].forEach((x) => x.destroy());
      }
      return out;
    });
    const expected = reference.proximalGradient(grads, params.map((p) => Float64Array.from(p)), anchor.map((a) => Float64Array.from(a)), scales, tau);
    // g + k (theta - anchor) with k <= 4 and |theta - anchor| <= 2: three roundings of values <= ~9.
    for (let s = 0; s < 2; s++) expectClose(result[s]!, expected[s]!, { abs: 8 * 9 * F32_EPSILON, rel: 4 * F32_EPSILON }, `tensor ${s}`);
    expect(bitsOf(result[2]!)).toEqual(bitsOf(grads[2]!));
  });

  it('an outer JKO step on a quadratic converges to (I + tau c H)^-1 theta_k where explicit GD diverges', async () => {
    // L = 0.5 sum_i h_i theta_i^2 with h up to 10; tau c = 0.5 puts explicit GD (lr = tau, step tau c) at |1 - 5| = 4.
    const h = Float64Array.from([0.5, 2, 10]);
    const c = 2;
    const tau = 0.25;
    const start = new Float32Array([1, -1, 0.5]);
    const gradOf = (theta: ArrayLike<number>) => Float32Array.from({ length: 3 }, (_, i) => h[i]! * theta[i]!);
    // Inner GD contracts by max |1 - eta (c h + 1 / tau)| = 1 - 4.5 / 24 per step with eta = 1 / 24.
    const innerLearningRate = 1 / (c * 10 + 1 / tau);
    const innerSteps = 120;
    const outer = 3;
    const theta = await onGpu('jko on gpu', async (gpu) => {
      const tensor = { label: 'theta', param: createStorageBuffer(gpu, 'theta', start), grad: createStorageBuffer(gpu, 'grad', 12), elementCount: 3, stepScale: c };
      const proximal = await GpuProximalTerm.create(gpu, [tensor], tau);
      const optimizer = await GpuOptimizer.create(gpu, { kind: 'gd' }, [tensor], { initialStep: { stepIndex: 0, learningRate: innerLearningRate } });
      for (let k = 0; k < outer; k++) {
        const encoder = gpu.device.createCommandEncoder();
        proximal.copyAnchor(encoder);
        gpu.device.queue.submit([encoder.finish()]);
        for (let i = 0; i < innerSteps; i++) {
          gpu.device.queue.writeBuffer(tensor.grad, 0, gradOf(await readFloat32(gpu, tensor.param, 3)));
          const inner = gpu.device.createCommandEncoder();
          const pass = inner.beginComputePass();
          proximal.encode(pass);
          optimizer.encodeUpdate(pass);
          pass.end();
          gpu.device.queue.submit([inner.finish()]);
        }
      }
      const result = await readFloat32(gpu, tensor.param, 3);
      [proximal, optimizer, tensor.param, tensor.grad].forEach((x) => x.destroy());
      return result;
    });
    // Exact: theta^{k+1}_i = theta^k_i / (1 + tau c h_i), three times.
    const expected = Float64Array.from(start, (v, i) => v / (1 + tau * c * h[i]!) ** outer);
    // Inner error after 120 steps: 0.8125^120 ~ 1e-11 of |theta|; float32 rounding of ~360 updates
    // of a contracting map stays within a few hundred eps.
    expectClose(theta, expected, { abs: 256 * F32_EPSILON, rel: 0 }, 'theta after three JKO steps');
    expect(Math.abs(1 - 2 * 10 * tau)).toBeGreaterThan(1); // the explicit step with lr tau c = 0.5 diverges
  });
});

describe('optim: bad input', () => {
  async function tensorOf(gpu: GpuContext, n: number) {
    return { param: createStorageBuffer(gpu, 'p', n * 4), grad: createStorageBuffer(gpu, 'g', n * 4), elementCount: n, stepScale: 1 };
  }

  it('rejects bad rules, shapes, steps and missing buffers before dispatching', async () => {
    const gpu = await getTestGpu();
    const tensor = await tensorOf(gpu, 8);
    const step = { stepIndex: 0, learningRate: 0.1 };
    const small = createStorageBuffer(gpu, 'small', 4 * 4);
    const state = createOptimizerStateBuffers(gpu, { kind: 'momentum' }, 8);
    await expect(bindOptimizerUpdate(gpu, { kind: 'adam', beta1: 1 }, tensor, {}, {}, step)).rejects.toThrow(/rule\.beta1/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'rmsprop' } as never, tensor, {}, {}, step)).rejects.toThrow(KernelArgumentError);
    await expect(bindOptimizerUpdate(gpu, { kind: 'momentum' }, tensor, {}, {}, step)).rejects.toThrow(/state\.velocity.*required/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'momentum' }, tensor, { velocity: small }, {}, step)).rejects.toThrow(/velocity.*holds 16 bytes/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'normalized-gd' }, tensor, {}, {}, step)).rejects.toThrow(/shared\.losses.*required/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'adanorm' }, tensor, {}, {}, step)).rejects.toThrow(/shared\.scalars.*required/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'normalized-gd' }, tensor, {}, { losses: small }, { ...step, lossSlot: 4 })).rejects.toThrow(/losses/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'momentum' }, { ...tensor, stepScale: -1 }, state, {}, step)).rejects.toThrow(/stepScale/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'momentum' }, { ...tensor, stepScale: NaN }, state, {}, step)).rejects.toThrow(/stepScale/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'momentum' }, { ...tensor, elementCount: 0 }, state, {}, step)).rejects.toThrow(/elementCount/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'momentum' }, { ...tensor, elementCount: 9 }, state, {}, step)).rejects.toThrow(/param.*holds 32 bytes/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'gd' }, tensor, {}, {}, { stepIndex: 0, learningRate: NaN })).rejects.toThrow(/learningRate/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'gd' }, tensor, {}, {}, { stepIndex: -1, learningRate: 0.1 })).rejects.toThrow(/stepIndex/);
    await expect(bindOptimizerUpdate(gpu, { kind: 'adam', epsilon: 1e-50 }, tensor, {}, {}, step)).rejects.toThrow(/rule\.epsilon/);
    await expect(bindSamPerturb(gpu, { kind: 'gd' }, tensor, small, small)).rejects.toThrow(/rule\.kind/);
    await expect(bindSquaredNorm(gpu, tensor, small, 4)).rejects.toThrow(/scalars.*holds 16 bytes/);
    await expect(bindSquaredNorm(gpu, tensor, small, 1)).rejects.toThrow(/partialOffset/);
    await expect(bindProximalGrad(gpu, tensor, small, 0.1)).rejects.toThrow(/anchor/);
    await expect(bindProximalGrad(gpu, tensor, tensor.param, 0)).rejects.toThrow(/tau/);
    await expect(GpuOptimizer.create(gpu, { kind: 'gd' }, [])).rejects.toThrow(/tensors/);
    await expect(runOptimizerOnGpu(gpu, { kind: 'gd' }, [new Float32Array([1, NaN])], [1], { stepCount: 1, learningRate: () => 0.1, gradient: () => ({ grads: [[0, 0]] }) })).rejects.toThrow(/init\[0\].*NaN/);
    await expect(runOptimizerOnGpu(gpu, { kind: 'gd' }, [new Float32Array(2)], [1], { stepCount: 1, learningRate: () => 0.1, gradient: () => ({ grads: [[0]] }) })).rejects.toThrow(/grads\[0\]/);
    await expect(runOptimizerOnGpu(gpu, { kind: 'normalized-gd' }, [new Float32Array(2)], [1], { stepCount: 1, learningRate: () => 0.1, gradient: () => ({ grads: [[1, 1]] }) })).rejects.toThrow(/loss/);
    const optimizer = await GpuOptimizer.create(gpu, { kind: 'adam' }, [{ ...tensor, label: 't' }]);
    expect(() => optimizer.setStep({ stepIndex: 0, learningRate: Infinity })).toThrow(/learningRate/);
    expect(() => optimizer.createStepTable([])).toThrow(/steps/);
    const proximal = await GpuProximalTerm.create(gpu, [{ ...tensor, label: 't' }], 0.1);
    expect(() => proximal.setTau(-1)).toThrow(/tau/);
    [optimizer, proximal].forEach((x) => x.destroy());
    [tensor.param, tensor.grad, small, state.velocity!].forEach((b) => b.destroy());
  });
});
