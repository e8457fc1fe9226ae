import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from '../../shaders/constants';
import { KernelArgumentError } from '../../src/core/errors';
import { createStorageBuffer } from '../../src/gpu/buffers';
import * as gpuTwoLayer from '../../src/kernels/two-layer';
import { combinedOutputScale, LOSS_KINDS, SCALINGS, type LossKind, type Scaling } from '../../src/core/conventions';
import * as reference from '../../src/float64/two-layer';
import { getTestGpu, onGpu } from '../helpers/gpu';
import * as twoLayerArrays from '../helpers/kernel-arrays/two-layer';
import { expectClose, F32_EPSILON, reductionTolerance, testValues, type Tolerance } from '../helpers/tolerance';

/** alpha != 1 so a kernel that forgets alpha, or applies it twice, fails. */
const ALPHA = 1.5;
const INPUT_DIM = 4;

interface Case {
  readonly shape: gpuTwoLayer.TwoLayerShape;
  /** H = relu(X W^T + b) from the float64 reference, rounded to float32: the kernels' input. */
  readonly activation: Float32Array;
  readonly a: Float32Array;
  readonly y: Float32Array;
}

/**
 * Random X, W, b, a and labels; H from the reference forward pass, so these tests do not depend on
 * the matmul family. Seeds are advanced until H has both active and inactive entries (one active
 * entry for a 1 x 1 case), so the masks are exercised.
 */
function makeCase(sampleCount: number, width: number, loss: LossKind, scaling: Scaling, seed: number): Case {
  for (let s = seed; ; s += 101) {
    const params: reference.TwoLayerParams = {
      width,
      inputDim: INPUT_DIM,
      a: Float64Array.from(testValues(width, s + 1)),
      W: Float64Array.from(testValues(width * INPUT_DIM, s + 2)),
      b: Float64Array.from(testValues(width, s + 3)),
    };
    const X = testValues(sampleCount * INPUT_DIM, s + 4);
    const activation = new Float32Array(reference.forward(params, X, sampleCount, { scaling, loss }).activation);
    const active = activation.filter((h) => h > 0).length;
    const wanted = activation.length === 1 ? active === 1 : active > 0 && active < activation.length;
    if (!wanted) continue;
    const raw = testValues(sampleCount, s + 5);
    const y = loss === 'square' ? raw : raw.map((v) => (v >= 0 ? 1 : -1));
    return { shape: { sampleCount, width, scaling, alpha: ALPHA }, activation, a: new Float32Array(params.a), y };
  }
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}

/** max_ij |a_j H_ij|: the size of the terms summed into f. */
function maxTerm(c: Case): number {
  const { sampleCount: n, width: m } = c.shape;
  let max = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) max = Math.max(max, Math.abs(c.a[j]! * c.activation[i * m + j]!));
  return max;
}

/**
 * Tolerance of l(f, y) and l'(f, y) / n evaluated in float32 at the GPU's own f (so no reduction error
 * enters), against the float64 formulas at the same f. Square: a subtraction, a product and a division,
 * each within 2.5 ULP: 8 eps relative. The other losses add the WGSL accuracy bounds of the built-ins:
 * exp(t) is within 3 + 2|t| ULP, so the slack grows with max |y f| (the sigmoid adds two divisions).
 * The logistic loss also takes log(1 + x) for x = exp(-|t|) in [1/8, 1], where WGSL bounds log only
 * absolutely (2^-21 on [0.5, 2]); there log(1 + x) >= log(9/8), hence the relative 2^-21 / log(9/8).
 * Below x = 1/8 the shader's series is accurate to a few ULP, inside the exp slack.
 */
function pointwiseTolerance(loss: LossKind, output: ArrayLike<number>): { loss: Tolerance; grad: Tolerance } {
  if (loss === 'square') return { loss: { abs: 0, rel: 8 * F32_EPSILON }, grad: { abs: 0, rel: 8 * F32_EPSILON } };
  const expSlack = (16 + 4 * maxAbs(output)) * F32_EPSILON;
  const logSlack = loss === 'logistic' ? 2 ** -21 / Math.log(9 / 8) : 0;
  return { loss: { abs: 0, rel: expSlack + logSlack }, grad: { abs: 0, rel: expSlack } };
}

/**
 * Runs every entry point on one case and compares each with its float64 twin, fed the same float32
 * inputs. Also checks that neuron_grads without a bias and mean_loss into slot 3 of a metrics buffer
 * leave everything else alone.
 */
async function checkAllEntryPoints(c: Case, loss: LossKind): Promise<void> {
  const gpu = await getTestGpu();
  const { shape } = c;
  const { sampleCount: n, width: m } = shape;
  const scale = Math.abs(combinedOutputScale(shape));

  const head = await onGpu('output_loss', () => twoLayerArrays.outputLoss(gpu, c, { ...shape, loss }));
  // f_i: m float32 products summed in strided partials then a tree: error ~ sqrt(m) eps |alpha s_m| max|a_j H_ij|.
  expectClose(head.output, reference.outputLoss(c.activation, c.a, c.y, shape, loss).output, reductionTolerance(m, scale * maxTerm(c)), 'f');
  const pointwise = reference.lossAtOutput(head.output, c.y, loss);
  const tolerance = pointwiseTolerance(loss, head.output);
  expectClose(head.loss, pointwise.loss, tolerance.loss, 'loss');
  expectClose(head.outputGrad, pointwise.outputGrad, tolerance.grad, 'outputGrad');

  const sentinel = -7;
  const metrics = await onGpu('mean_loss', () => twoLayerArrays.meanLoss(gpu, head.loss, 3, new Float32Array(5).fill(sentinel)));
  const mean = reference.meanLoss(head.loss);
  // A sum of n non-negative float32 terms has no cancellation: relative error ~ sqrt(n) eps, plus 2.5 ULP for the division.
  expectClose(metrics, [sentinel, sentinel, sentinel, mean, sentinel], reductionTolerance(n, mean), 'metrics');

  const inputs = { activation: c.activation, a: c.a, outputGrad: head.outputGrad };
  const g = maxAbs(head.outputGrad);
  for (const hasBias of [true, false]) {
    const grads = await onGpu('neuron_grads', () => twoLayerArrays.neuronGrads(gpu, inputs, { ...shape, hasBias }));
    const expected = reference.neuronGrads(c.activation, c.a, head.outputGrad, shape, hasBias);
    // n float32 products summed in order: error ~ sqrt(n) eps |alpha s_m| max|g_i H_ij| (and max|a_j| max|g_i| for b).
    expectClose(grads.gradA, expected.gradA, reductionTolerance(n, scale * g * maxAbs(c.activation)), `gradA (bias ${hasBias})`);
    if (hasBias) expectClose(grads.gradB!, expected.gradB!, reductionTolerance(n, scale * g * maxAbs(c.a)), 'gradB');
    else expect(grads.gradB).toBeUndefined();
  }

  // d = 1 (one thread per neuron) and d = 3 (threads off multiples of the workgroup size for every m here).
  for (const inputDim of [1, 3]) await checkFirstLayerGrad(c, head.outputGrad, inputDim, n * 7 + inputDim);
}

/**
 * first_layer_grad against its twin (D^T X in float64) on inputs X [n x d] of its own: n terms per element, each
 * D_ij X_ic with three roundings in D_ij and one in the product, so the error is that of a sum of ~4n
 * float32 roundings of size |alpha s_m| max|g_i| max|a_j| max|X_ic|.
 */
async function checkFirstLayerGrad(c: Case, outputGrad: Float32Array, inputDim: number, seed: number): Promise<void> {
  const { shape } = c;
  const n = shape.sampleCount;
  const X = testValues(n * inputDim, seed);
  const gpu = await getTestGpu();
  const gradW = await onGpu('first_layer_grad', () => twoLayerArrays.firstLayerGrad(gpu, { activation: c.activation, a: c.a, outputGrad, X }, { ...shape, inputDim }));
  const twin = reference.firstLayerGrad(c.activation, c.a, outputGrad, X, { ...shape, inputDim });
  const termScale = Math.abs(combinedOutputScale(shape)) * maxAbs(outputGrad) * maxAbs(c.a) * maxAbs(X);
  expectClose(gradW, twin, reductionTolerance(4 * n, termScale), `gradW (m = ${shape.width}, d = ${inputDim})`);
}

describe('two-layer kernels', () => {
  // n x m: the smallest case; a small odd one; n and m off multiples of the workgroup sizes with
  // m past ELEMENTWISE_WORKGROUP_SIZE and REDUCTION_WORKGROUP_SIZE (threads off the workgroup multiples).
  const shapes: [number, number][] = [
    [1, 1],
    [7, 13],
    [70, 2 * REDUCTION_WORKGROUP_SIZE + 3],
  ];
  const combos = LOSS_KINDS.flatMap((loss) => SCALINGS.flatMap((scaling) => shapes.map(([n, m]) => [loss, scaling, n, m] as const)));

  it.each(combos)('every entry point matches its twin: %s loss, %s scaling, n = %i, m = %i', async (loss, scaling, n, m) => {
    await checkAllEntryPoints(makeCase(n, m, loss, scaling, n * 1000 + m), loss);
  });

  it('handles more workgroups than one dispatch dimension can cover (output_loss, first_layer_grad), and long loops (neuron_grads, mean_loss)', async () => {
    const gpu = await getTestGpu();
    // output_loss runs one thread per sample: n = (limit + 1) * 64 + 3 samples need limit + 2 workgroups,
    // spread over an (x, y) grid; m = 1 keeps H small. The last samples are the ones a missing
    // linearisation would leave unwritten.
    const limit = gpu.device.limits.maxComputeWorkgroupsPerDimension;
    const many = makeCase((limit + 1) * ELEMENTWISE_WORKGROUP_SIZE + 3, 1, 'square', 'standard', 9);
    const manyHead = await onGpu('output_loss past the dispatch limit', (g) => twoLayerArrays.outputLoss(g, many, { ...many.shape, loss: 'square' }));
    const manyTwin = reference.outputLoss(many.activation, many.a, many.y, many.shape, 'square');
    // One product and one scaling per output (m = 1): a few float32 roundings of |s a H|.
    expectClose(manyHead.output, manyTwin.output, { abs: 4 * F32_EPSILON * maxAbs(manyTwin.output), rel: 4 * F32_EPSILON }, 'f');

    // n = limit + 2 samples: neuron_grads loops over all of them per neuron.
    const n = limit + 2;
    const m = ELEMENTWISE_WORKGROUP_SIZE;
    const c = makeCase(n, m, 'logistic', 'ntk', 5);
    const scale = combinedOutputScale(c.shape);
    const twinHead = reference.outputLoss(c.activation, c.a, c.y, c.shape, 'logistic');
    const outputGrad = new Float32Array(twinHead.outputGrad);
    const inputs = { activation: c.activation, a: c.a, outputGrad };

    const grads = await onGpu('neuron_grads over many samples', (g) => twoLayerArrays.neuronGrads(g, inputs, { ...c.shape, hasBias: true }));
    const twin = reference.neuronGrads(c.activation, c.a, outputGrad, c.shape, true);
    const gradScale = scale * maxAbs(outputGrad);
    // n sequential float32 terms per neuron: error ~ sqrt(n) eps times the term size, as above.
    expectClose(grads.gradA, twin.gradA, reductionTolerance(n, gradScale * maxAbs(c.activation)), 'gradA');
    expectClose(grads.gradB!, twin.gradB!, reductionTolerance(n, gradScale * maxAbs(c.a)), 'gradB');

    // first_layer_grad past the dispatch limit too: m d = (limit + 2) * 64 elements at d = 64, on one sample.
    const wide = makeCase(1, n, 'square', 'mean-field', 7);
    await checkFirstLayerGrad(wide, new Float32Array([0.75]), ELEMENTWISE_WORKGROUP_SIZE, 11);

    const loss = new Float32Array(twinHead.loss);
    const metrics = await onGpu('mean_loss of many samples', (g) => twoLayerArrays.meanLoss(g, loss));
    const mean = reference.meanLoss(loss);
    // One workgroup loops over n / 64 strided terms per thread: still no cancellation (see above).
    expectClose(metrics, [mean], reductionTolerance(n, mean), 'mean loss');
  });

  it.each(LOSS_KINDS)('output_loss centered subtracts f0 per sample and matches its twin: %s loss', async (loss) => {
    const gpu = await getTestGpu();
    for (const [n, m] of [[7, 13], [70, 2 * REDUCTION_WORKGROUP_SIZE + 3]] as const) {
      const c = makeCase(n, m, loss, 'ntk', n * 31 + m);
      // f0 of the size of f itself (|f| ~ alpha s_m sqrt(m) / 3), so the subtraction matters.
      const outputOffset = testValues(n, n + m).map((v) => 2 * v);
      const shape = { ...c.shape, loss, centered: true };
      const head = await onGpu('output_loss centered', () => twoLayerArrays.outputLoss(gpu, { ...c, outputOffset }, shape));
      const twin = reference.outputLoss(c.activation, c.a, c.y, c.shape, loss, outputOffset);
      // As uncentered (sqrt(m) eps times the term size), plus one rounding of the subtraction (eps |f - f0|,
      // inside the relative part) and of the product alpha s_m sum (eps |f|, below the absolute part's 8 eps).
      const scale = Math.abs(combinedOutputScale(c.shape));
      expectClose(head.output, twin.output, reductionTolerance(m, scale * maxTerm(c)), `f - f0 (n = ${n}, m = ${m})`);
      const pointwise = reference.lossAtOutput(head.output, c.y, loss);
      const tolerance = pointwiseTolerance(loss, head.output);
      expectClose(head.loss, pointwise.loss, tolerance.loss, 'loss at f - f0');
      expectClose(head.outputGrad, pointwise.outputGrad, tolerance.grad, 'outputGrad at f - f0');

      // f0 = the uncentered output of the same H and a: the same sum minus itself, so the centered output vanishes.
      const plain = await onGpu('output_loss', () => twoLayerArrays.outputLoss(gpu, c, { ...c.shape, loss }));
      const zero = await onGpu('output_loss centered on itself', () => twoLayerArrays.outputLoss(gpu, { ...c, outputOffset: plain.output }, shape));
      // Exactly 0 unless a driver contracts alpha s_m * sum - f0 into one FMA; then |f| is at most the product's rounding.
      expectClose(zero.output, new Float32Array(n), { abs: F32_EPSILON * maxAbs(plain.output), rel: 0 }, 'f - f0 at f0 = f');
      expectClose(zero.loss, reference.lossAtOutput(new Float64Array(n), c.y, loss).loss, pointwiseTolerance(loss, [0]).loss, 'l(0, y)');
    }
  });

  it('gives bitwise identical results run to run (fixed reduction order)', async () => {
    const gpu = await getTestGpu();
    const c = makeCase(70, 2 * REDUCTION_WORKGROUP_SIZE + 3, 'square', 'mean-field', 17);
    const shape = { ...c.shape, loss: 'square' as const, hasBias: true };
    const run = async () => {
      const head = await twoLayerArrays.outputLoss(gpu, c, shape);
      const mean = await twoLayerArrays.meanLoss(gpu, head.loss);
      const grads = await twoLayerArrays.neuronGrads(gpu, { activation: c.activation, a: c.a, outputGrad: head.outputGrad }, shape);
      return { ...head, mean, ...grads };
    };
    const first = await onGpu('first run', run);
    const second = await onGpu('second run', run);
    expect(second).toEqual(first);
  });

  it.each(LOSS_KINDS)('evaluates the %s loss and its slope across t = -y f in [-8, 8]', async (loss) => {
    const gpu = await getTestGpu();
    // m = 1, a = 1, H_i = |t_i|, y_i = -sign(t_i): f_i = |t_i| and -y_i f_i = t_i, in steps of 1/128 (exact in
    // float32). Covers both branches of the shader's log(1 + x) (series below x = 1/8, i.e. |t| > 2.08) and of sigmoid.
    const t = Array.from({ length: 2 * 8 * 128 + 1 }, (_, k) => k / 128 - 8);
    const activation = new Float32Array(t.map(Math.abs));
    const y = new Float32Array(t.map((v) => (v < 0 ? 1 : -1)));
    const shape = { sampleCount: t.length, width: 1, scaling: 'standard' as const, loss };
    const head = await onGpu(`${loss} sweep`, () => twoLayerArrays.outputLoss(gpu, { activation, a: new Float32Array([1]), y }, shape));
    expect(Array.from(head.output)).toEqual(Array.from(activation));
    const pointwise = reference.lossAtOutput(head.output, y, loss);
    const tolerance = pointwiseTolerance(loss, head.output);
    expectClose(head.loss, pointwise.loss, tolerance.loss, 'loss');
    expectClose(head.outputGrad, pointwise.outputGrad, tolerance.grad, 'outputGrad');
  });

  it('keeps the logistic loss finite at |y f| up to 1e30', async () => {
    const gpu = await getTestGpu();
    // Rows of H pick a_0 = 1e30 or a_1 = 1000 (or 10 a_1): f = 1e30, 1000, 10 with both label signs.
    const activation = new Float32Array([1, 0, 1, 0, 0, 1, 0, 1, 0, 0.01, 0, 0.01]);
    const a = new Float32Array([1e30, 1000]);
    const y = new Float32Array([1, -1, 1, -1, 1, -1]);
    const shape = { sampleCount: 6, width: 2, scaling: 'standard' as const, loss: 'logistic' as const };
    const head = await onGpu('logistic extremes', () => twoLayerArrays.outputLoss(gpu, { activation, a, y }, shape));
    expect(Array.from(head.output)).toEqual([1e30, 1e30, 1000, 1000, 10, 10].map(Math.fround));
    const pointwise = reference.lossAtOutput(head.output, y, 'logistic');
    // loss = 0 or |y f| for the two large cases; tolerance as for every logistic case, with |y f| <= 10 in the exp.
    expectClose(head.loss, pointwise.loss, pointwiseTolerance('logistic', [10]).loss, 'loss');
    expectClose(head.outputGrad, pointwise.outputGrad, pointwiseTolerance('logistic', [10]).grad, 'outputGrad');
    expect([head.loss[0], head.loss[1]]).toEqual([0, Math.fround(1e30)]);
    expect([head.outputGrad[0], head.outputGrad[1]]).toEqual([-0, Math.fround(1 / 6)]);
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const shape = { sampleCount: 3, width: 2, scaling: 'ntk' as const, loss: 'logistic' as const };
    const good = { activation: new Float32Array(6), a: new Float32Array(2), y: new Float32Array([1, -1, 1]) };
    await expect(twoLayerArrays.outputLoss(gpu, good, { ...shape, sampleCount: 0 })).rejects.toThrow(/sampleCount.*positive integer/);
    await expect(twoLayerArrays.outputLoss(gpu, good, { ...shape, width: 0 })).rejects.toThrow(/width.*positive integer/);
    await expect(twoLayerArrays.outputLoss(gpu, { ...good, activation: new Float32Array(5) }, shape)).rejects.toThrow(
      /activation.*5 elements, expected 6/,
    );
    await expect(twoLayerArrays.outputLoss(gpu, { ...good, a: new Float32Array([0, NaN]) }, shape)).rejects.toThrow(/'a'.*NaN at index 1/);
    await expect(twoLayerArrays.outputLoss(gpu, { ...good, y: new Float32Array([1, -1, 0.5]) }, shape)).rejects.toThrow(
      /'y' is 0.5 at index 2.*\{-1, \+1\}/,
    );
    await expect(twoLayerArrays.outputLoss(gpu, { ...good, y: new Float32Array([0, 1, 1]) }, { ...shape, loss: 'exponential' })).rejects.toThrow(
      /'y' is 0 at index 0/,
    );
    await expect(twoLayerArrays.outputLoss(gpu, good, { ...shape, alpha: Infinity })).rejects.toThrow(/alpha/);
    await expect(twoLayerArrays.outputLoss(gpu, good, { ...shape, loss: 'hinge' as LossKind })).rejects.toThrow(/'loss'/);
    await expect(twoLayerArrays.outputLoss(gpu, good, { ...shape, scaling: 'xavier' as Scaling })).rejects.toThrow(/'scaling'/);

    const offset = new Float32Array(3);
    await expect(twoLayerArrays.outputLoss(gpu, good, { ...shape, centered: true })).rejects.toThrow(/outputOffset.*missing/);
    await expect(twoLayerArrays.outputLoss(gpu, { ...good, outputOffset: offset }, shape)).rejects.toThrow(/outputOffset.*not centered/);
    await expect(twoLayerArrays.outputLoss(gpu, { ...good, outputOffset: new Float32Array(2) }, { ...shape, centered: true })).rejects.toThrow(
      /outputOffset.*2 elements, expected 3/,
    );
    await expect(twoLayerArrays.outputLoss(gpu, { ...good, outputOffset: new Float32Array([0, NaN, 0]) }, { ...shape, centered: true })).rejects.toThrow(
      /outputOffset.*NaN at index 1/,
    );

    await expect(twoLayerArrays.meanLoss(gpu, new Float32Array(0))).rejects.toThrow(/loss.length.*positive integer/);
    await expect(twoLayerArrays.meanLoss(gpu, new Float32Array([1, Infinity]))).rejects.toThrow(/'loss'.*Infinity at index 1/);
    await expect(twoLayerArrays.meanLoss(gpu, new Float32Array(2), 4, new Float32Array(4))).rejects.toThrow(/outputOffset.*\[0, 3\]/);

    const inputs = { activation: new Float32Array(6), a: new Float32Array(2), outputGrad: new Float32Array(3) };
    await expect(twoLayerArrays.neuronGrads(gpu, { ...inputs, outputGrad: new Float32Array(2) }, { ...shape, hasBias: true })).rejects.toThrow(
      /outputGrad.*2 elements, expected 3/,
    );
    await expect(
      twoLayerArrays.neuronGrads(gpu, { ...inputs, activation: new Float32Array([0, 0, 0, -Infinity, 0, 0]) }, { ...shape, hasBias: false }),
    ).rejects.toThrow(/activation.*-Infinity at index 3/);
    await expect(twoLayerArrays.neuronGrads(gpu, inputs, { ...shape, width: 2.5, hasBias: false })).rejects.toThrow(/width.*positive integer/);
    await expect(twoLayerArrays.neuronGrads(gpu, { ...inputs, a: new Float32Array(3) }, { ...shape, hasBias: true })).rejects.toThrow(/'a'.*3 elements, expected 2/);

    // The bound kernels check shapes against the device limits and the buffers they are given.
    const tiny = createStorageBuffer(gpu, 'two-layer test/tiny', 4);
    const huge = { sampleCount: 2 ** 16, width: 2 ** 16, scaling: 'standard' as const };
    const tinyNeuron = { activation: tiny, outputGrad: tiny, gradA: tiny };
    expect(() => gpuTwoLayer.bindNeuronGrads(gpu, { ...huge, hasBias: false }, tinyNeuron)).toThrow(/activation.*storage binding limit/);
    expect(() => gpuTwoLayer.bindNeuronGrads(gpu, { ...huge, sampleCount: 2, width: 1, hasBias: false }, tinyNeuron)).toThrow(/activation.*holds 4 bytes/);
    expect(() =>
      gpuTwoLayer.bindNeuronGrads(gpu, { sampleCount: 1, width: 1, scaling: 'standard', hasBias: true }, { activation: tiny, outputGrad: tiny, gradA: tiny }),
    ).toThrow(/'a' is missing/);
    const tinyHead = { activation: tiny, a: tiny, y: tiny, output: tiny, loss: tiny, outputGrad: tiny };
    const oneByOne = { sampleCount: 1, width: 1, scaling: 'standard' as const, loss: 'square' as const };
    expect(() => gpuTwoLayer.bindOutputLoss(gpu, { ...oneByOne, centered: true }, tinyHead)).toThrow(/outputOffset.*missing/);
    expect(() => gpuTwoLayer.bindOutputLoss(gpu, { ...oneByOne, sampleCount: 2, width: 2, centered: true }, { ...tinyHead, outputOffset: tiny })).toThrow(/holds 4 bytes/);
    expect(() => gpuTwoLayer.bindMeanLoss(gpu, 1, 1, { loss: tiny, metrics: tiny })).toThrow(/metrics.*holds 4 bytes, the shape needs 8/);
    expect(() => gpuTwoLayer.bindMeanLoss(gpu, 1, -1, { loss: tiny, metrics: tiny })).toThrow(KernelArgumentError);
    tiny.destroy();
  });
});
