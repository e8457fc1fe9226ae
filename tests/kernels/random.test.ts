import { describe, expect, it } from 'vitest';
import { BATCH_SAMPLER_WORKGROUP_SIZE, ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { randomWgsl, threefryWgsl } from '../../shaders/random.wgsl';
import { createStorageBuffer, readUint32 } from '../../src/gpu/buffers';
import { KernelArgumentError } from '../../src/core/errors';
import { bindKernel, runKernels, type KernelSource } from '../../src/gpu/kernel';
import { uniformStruct } from '../../src/core/uniform-struct';
import { bindSampleBatchIndices } from '../../src/kernels/random';
import * as reference from '../../src/core/random';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { fillNormal, fillU32, fillUniform, sampleBatchIndices } from '../helpers/kernel-arrays/random';
import { binomialInterval, chiSquareSurvival, choose, pearsonStatistic, subsetFit, type SubsetFit } from '../helpers/statistics';
import { expectClose } from '../helpers/tolerance';

/**
 * Random123's known answers for threefry2x32_20 (kat_vectors; also in Random123-Boost's
 * test_threefry.cpp and TensorFlow's stateful random tests): key, counter -> output.
 */
const KNOWN_ANSWERS: readonly { key: [number, number]; counter: [number, number]; output: [number, number] }[] = [
  { key: [0, 0], counter: [0, 0], output: [0x6b200159, 0x99ba4efe] },
  { key: [0xffffffff, 0xffffffff], counter: [0xffffffff, 0xffffffff], output: [0x1cb996fc, 0xbb002be7] },
  { key: [0x13198a2e, 0x03707344], counter: [0x243f6a88, 0x85a308d3], output: [0xc4923a9c, 0x483df7a0] },
];

/** Boost.Compute's threefry_engine test: key (0, 0), counters (i, 0) for i = 0..4, both words. */
const ZERO_KEY_SEQUENCE = [
  [0x6b200159, 0x99ba4efe],
  [0x508efb2c, 0xc0de3f32],
  [0x64a626ec, 0xfc15e573],
  [0xb8abc4d1, 0x0537eb86],
  [0xac6dc2bb, 0xa7adb3c3],
] as const;

// u32, uniform and index streams use only wrapping u32 add/xor/rotate, a u32->f32 conversion of a
// 24-bit integer and a multiply by 2^-24, all exact: GPU and TS must agree bit for bit.
const EXACT = { abs: 0, rel: 0 };

// Normals: the GPU evaluates log, cos and sqrt in f32, which are not correctly rounded (WGSL allows
// a few ulp; SwiftShader and hardware stay well inside). |z| <= 5.77, so a few f32 ulp of the radius
// and of cos give under 1e-5 absolute; the relative part covers the mean + std * z rounding.
const NORMAL_TOLERANCE = { abs: 1e-5, rel: 4e-6 };

/** Uniform of the probe kernels: the number of cases. */
const PROBE_PARAMS = uniformStruct('ProbeParams', { case_count: 'u32' });

/**
 * A test-only kernel: outputs[i] = `expression` of inputs[i] (a vec4u) for i < case_count, with a
 * shared WGSL snippet in scope: the way to evaluate snippets on arbitrary arguments.
 */
function probeKernel(entryPoint: string, snippet: string, outputType: 'u32' | 'vec2u', expression: string): KernelSource<Record<string, never>> {
  return {
    family: 'random-test',
    entryPoint,
    cacheKey: () => 'probe',
    source: () => `
${PROBE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${PROBE_PARAMS.name};
@group(0) @binding(1) var<storage, read> inputs: array<vec4u>;
@group(0) @binding(2) var<storage, read_write> outputs: array<${outputType}>;
${snippet}
@compute @workgroup_size(1)
fn ${entryPoint}(@builtin(workgroup_id) workgroup_id: vec3u) {
  let i = workgroup_id.x;
  if (i >= params.case_count) { return; }
  outputs[i] = ${expression};
}
`,
  };
}

/** threefry2x32 on (key, counter) = (inputs.xy, inputs.zw). */
const threefryProbe = probeKernel('threefry_probe', threefryWgsl, 'vec2u', 'rng_threefry2x32(inputs[i].xy, inputs[i].zw)');
/** uniform_below on (bound, key, position) = (inputs.x, inputs.yz, inputs.w). */
const uniformBelowProbe = probeKernel('uniform_below_probe', randomWgsl, 'u32', 'rng_uniform_below(inputs[i].x, inputs[i].yz, inputs[i].w)');

/** Runs a probe kernel on one vec4u of inputs per case and reads `wordsPerCase` u32 of output per case. */
async function runProbe(label: string, kernel: KernelSource<Record<string, never>>, inputs: Uint32Array, wordsPerCase: number): Promise<Uint32Array> {
  const caseCount = inputs.length / 4;
  return await onGpu(label, async (gpu) => {
    const inputBuffer = createStorageBuffer(gpu, 'random-test/inputs', inputs);
    const outputBuffer = createStorageBuffer(gpu, 'random-test/outputs', caseCount * wordsPerCase * 4);
    const bound = await bindKernel(gpu, kernel, {}, { params: PROBE_PARAMS.pack({ case_count: caseCount }), buffers: [inputBuffer, outputBuffer], workgroupCount: caseCount });
    await runKernels(gpu, label, [bound]);
    const result = await readUint32(gpu, outputBuffer, caseCount * wordsPerCase);
    bound.destroy();
    inputBuffer.destroy();
    outputBuffer.destroy();
    return result;
  });
}

/** Lemire's multiply-and-reject in BigInt, written from the paper: the oracle of uniformBelow. */
function uniformBelowOracle(bound: number, key: readonly [number, number], position: number): { value: number; attempts: number } {
  const s = BigInt(bound);
  const threshold = (2n ** 32n - s) % s;
  for (let attempt = 0; ; attempt++) {
    const product = BigInt(reference.threefry2x32(key[0], key[1], position, attempt)[0]) * s;
    if (product % 2n ** 32n >= threshold) return { value: Number(product >> 32n), attempts: attempt + 1 };
  }
}

/** Bounds for the uniform-below checks: tiny, awkward, and near 2^31 and 2^32 where a retry is likely. */
const UNIFORM_BELOW_BOUNDS = [1, 2, 3, 7, 1000, 65_537, 2 ** 31 - 1, 2 ** 31 + 1, 3 * 2 ** 30, 2 ** 32 - 1];
const UNIFORM_BELOW_POSITIONS = 64;
const UNIFORM_BELOW_KEY: [number, number] = [0x243f6a88, 0x85a308d3];

/** Per-test significance of every frequency test below. The seeds are fixed, so a pass is reproducible; alpha is the power statement. */
const ALPHA = 1e-6;

/** Batches of `stepCount` consecutive steps from the reference, concatenated as the GPU writes them. */
function referenceBatches(seed: number, stream: number, firstStep: number, stepCount: number, sampleCount: number, batchSize: number, replace: boolean): Uint32Array {
  const out = new Uint32Array(stepCount * batchSize);
  for (let t = 0; t < stepCount; t++) out.set(reference.sampleBatchIndices(seed, stream, firstStep + t, sampleCount, batchSize, replace), t * batchSize);
  return out;
}

/** Pearson's chi-square of subset frequencies: each batch (a row of B indices < n <= 16) as a bit mask. */
function subsetChiSquare(batches: Uint32Array, sampleCount: number, batchSize: number): SubsetFit {
  const masks = new Uint32Array(batches.length / batchSize);
  masks.forEach((_, row) => {
    for (let k = 0; k < batchSize; k++) masks[row] |= 1 << batches[row * batchSize + k]!;
  });
  const fit = subsetFit(masks, sampleCount, batchSize);
  expect(fit.invalidCount, `rows with a repeated index, n = ${sampleCount}, B = ${batchSize}`).toBe(0);
  return fit;
}

/**
 * Draws per (n, B) of the subset test: at least 20 per cell (Pearson's statistic is close to its
 * chi-square law from about 5 per cell on) and at least 50,000, which gives the test power against
 * biases of the old Feistel sampler's size (chi-square 197 on 44 df at n = 10, B = 2).
 */
function subsetTestDraws(sampleCount: number, batchSize: number): number {
  return Math.max(20 * choose(sampleCount, batchSize), 50_000);
}

/**
 * Inclusion and co-inclusion counts over `stepCount` batches: every index lies in a batch with
 * probability B/n and every pair with probability B(B - 1)/(n(n - 1)) under uniform subsets; the
 * count of one index (or one pair) over independent steps is binomial. Checks every index and pair
 * against its Chernoff interval at ALPHA, Bonferroni-split over the n indices and n(n - 1)/2 pairs.
 */
function expectInclusionFrequencies(batches: Uint32Array, sampleCount: number, batchSize: number, label: string, checkPairs: boolean): void {
  const stepCount = batches.length / batchSize;
  const inclusions = new Float64Array(sampleCount);
  const pairs = checkPairs ? new Float64Array(sampleCount * sampleCount) : undefined;
  for (let row = 0; row < batches.length; row += batchSize) {
    for (let k = 0; k < batchSize; k++) {
      const i = batches[row + k]!;
      inclusions[i]!++;
      if (pairs) {
        for (let l = 0; l < k; l++) {
          const j = batches[row + l]!;
          pairs[Math.min(i, j) * sampleCount + Math.max(i, j)]!++;
        }
      }
    }
  }
  const [low, high] = binomialInterval(stepCount, batchSize / sampleCount, ALPHA / sampleCount);
  const outside = Array.from(inclusions.entries()).filter(([, c]) => c < low || c > high);
  expect(outside.slice(0, 5), `${label}: inclusion counts outside [${low}, ${high}] (expected ${(stepCount * batchSize) / sampleCount})`).toEqual([]);
  if (!pairs) return;
  const pairCount = (sampleCount * (sampleCount - 1)) / 2;
  const [pairLow, pairHigh] = binomialInterval(stepCount, (batchSize * (batchSize - 1)) / (sampleCount * (sampleCount - 1)), ALPHA / pairCount);
  const badPairs: string[] = [];
  for (let i = 0; i < sampleCount; i++) {
    for (let j = i + 1; j < sampleCount; j++) {
      const count = pairs[i * sampleCount + j]!;
      if ((count < pairLow || count > pairHigh) && badPairs.length < 5) badPairs.push(`(${i}, ${j}): ${count}`);
    }
  }
  expect(badPairs, `${label}: co-inclusion counts outside [${pairLow}, ${pairHigh}]`).toEqual([]);
}

function distinctSorted(values: Uint32Array): boolean {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted.every((v, i) => i === 0 || v !== sorted[i - 1]);
}

function meanAndVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, variance: squares / (values.length - 1) };
}

describe('random: reference (CPU)', () => {
  it.each(KNOWN_ANSWERS)('threefry2x32_20 matches the Random123 known answer %#', ({ key, counter, output }) => {
    expect(reference.threefry2x32(key[0], key[1], counter[0], counter[1])).toEqual(output);
  });

  it('matches the zero-key counter sequence', () => {
    ZERO_KEY_SEQUENCE.forEach((words, i) => expect(reference.threefry2x32(0, 0, i, 0)).toEqual(words));
  });

  it('uniform01 is (u >> 8) 2^-24, within [0, 1) and exact in float32', () => {
    expect(reference.uniform01(0)).toBe(0);
    expect(reference.uniform01(0xffffffff)).toBe(1 - 2 ** -24);
    expect(reference.uniform01(0x80000000)).toBe(0.5);
    const u = reference.uniformArray(3, 4, 5, 1000);
    expect(Array.from(u).every((v) => Math.fround(v) === v && v >= 0 && v < 1)).toBe(true);
  });

  it('indexBelow is floor(u n / 2^32), exact at the extremes', () => {
    const n = 2 ** 31;
    expect(reference.indexBelow(0xffffffff, n)).toBe(n - 1);
    expect(reference.indexBelow(0xffffffff, 1)).toBe(0);
    expect(reference.indexBelow(0xffffffff, 3)).toBe(2);
    expect(reference.indexBelow(0x80000000, 3)).toBe(1);
    for (const u of [0, 1, 0x1234_5678, 0xdead_beef, 0xffff_ffff]) {
      for (const count of [1, 7, 1000, 65537, 2 ** 31 - 1]) {
        expect(reference.indexBelow(u, count)).toBe(Number((BigInt(u) * BigInt(count)) >> 32n));
      }
    }
  });

  it('uniformBelow equals Lemire\'s multiply-and-reject in BigInt, retries included', () => {
    let retries = 0;
    for (const bound of UNIFORM_BELOW_BOUNDS) {
      for (let position = 0; position < UNIFORM_BELOW_POSITIONS; position++) {
        const oracle = uniformBelowOracle(bound, UNIFORM_BELOW_KEY, position);
        retries += oracle.attempts - 1;
        expect(reference.uniformBelow(bound, UNIFORM_BELOW_KEY, position), `bound ${bound}, position ${position}`).toBe(oracle.value);
      }
    }
    // Bounds just above 2^31 reject almost half the draws: the retry path ran.
    expect(retries).toBeGreaterThan(10);
  });

  it('the batch shuffle is a bijection of [0, n) for every n up to 300', () => {
    for (let n = 1; n <= 300; n++) {
      const indices = reference.sampleBatchIndices(11, 2, 7, n, n, false);
      expect(Array.from(indices).sort((a, b) => a - b), `n = ${n}`).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('batches differ across steps, seeds and streams', () => {
    const base = Array.from(reference.sampleBatchIndices(1, 0, 0, 1000, 50, false));
    expect(Array.from(reference.sampleBatchIndices(1, 0, 1, 1000, 50, false))).not.toEqual(base);
    expect(Array.from(reference.sampleBatchIndices(2, 0, 0, 1000, 50, false))).not.toEqual(base);
    expect(Array.from(reference.sampleBatchIndices(1, 1, 0, 1000, 50, false))).not.toEqual(base);
  });

  // Takes a few seconds: 114 (n, B) pairs, 50,000 or more batches each.
  it('every B-subset is equally likely: chi-square of subset frequencies for n = 5..16, B = 1..n-1 at alpha 1e-6', () => {
    const failures: string[] = [];
    for (let n = 5; n <= 16; n++) {
      for (let B = 1; B < n; B++) {
        const draws = subsetTestDraws(n, B);
        // Seed n, stream B: a different stream for every pair.
        const { statistic, degreesOfFreedom, pValue } = subsetChiSquare(referenceBatches(n, B, 0, draws, n, B, false), n, B);
        if (pValue < ALPHA) failures.push(`n = ${n}, B = ${B}: chi-square ${statistic.toFixed(1)} on ${degreesOfFreedom} df, p = ${pValue.toExponential(2)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every ordered B-tuple is equally likely: chi-square over the n! / (n - B)! tuples (n = 6, B = 3; n = 5, B = 5)', () => {
    for (const [n, B] of [[6, 3], [5, 5]] as const) {
      const draws = 60_000;
      const counts = new Map<string, number>();
      for (let step = 0; step < draws; step++) {
        const tuple = reference.sampleBatchIndices(17, 3, step, n, B, false).join(',');
        counts.set(tuple, (counts.get(tuple) ?? 0) + 1);
      }
      const cells = choose(n, B) * Array.from({ length: B }, (_, i) => i + 1).reduce((a, b) => a * b, 1);
      expect(counts.size, `n = ${n}, B = ${B}: tuples seen`).toBe(cells);
      const statistic = pearsonStatistic(Array.from(counts.values()), draws / cells);
      expect(chiSquareSurvival(statistic, cells - 1), `n = ${n}, B = ${B}: chi-square ${statistic.toFixed(1)} on ${cells - 1} df`).toBeGreaterThan(ALPHA);
    }
  });

  it('inclusion frequency B/n (n = 1000, B = 37) and co-inclusion B(B-1)/(n(n-1)) (n = 200, B = 37) within Chernoff bounds', () => {
    expectInclusionFrequencies(referenceBatches(5, 1, 0, 20_000, 1000, 37, false), 1000, 37, 'n = 1000, B = 37', false);
    expectInclusionFrequencies(referenceBatches(5, 2, 0, 20_000, 200, 37, false), 200, 37, 'n = 200, B = 37', true);
  });

  it('rejects bad stream arguments', () => {
    expect(() => reference.u32Array(-1, 0, 0, 4)).toThrow(/seed/);
    expect(() => reference.u32Array(0, 2 ** 32, 0, 4)).toThrow(/stream/);
    expect(() => reference.uniformArray(0, 0, 0.5, 4)).toThrow(/step/);
    expect(() => reference.normalArray(0, 0, 0, 4, 0, -1)).toThrow(/std/);
    expect(() => reference.sampleBatchIndices(0, 0, 0, 5, 6, false)).toThrow(/batchSize 6 exceeds/);
    expect(() => reference.sampleBatchIndices(0, 0, 0, 0, 1, true)).toThrow(/sampleCount/);
  });
});

describe('random: GPU against the reference', () => {
  it('the WGSL snippet reproduces the known answers and the zero-key sequence, both words', async () => {
    const cases = [
      ...KNOWN_ANSWERS,
      ...ZERO_KEY_SEQUENCE.map((output, i) => ({ key: [0, 0], counter: [i, 0], output })),
    ];
    const inputs = new Uint32Array(cases.flatMap((c) => [...c.key, ...c.counter]));
    const outputs = await runProbe('threefry known answers', threefryProbe, inputs, 2);
    expect(Array.from(outputs)).toEqual(cases.flatMap((c) => [...c.output]));
  });

  const positions = [
    { seed: 0, stream: 0, step: 0 },
    { seed: 42, stream: 3, step: 17 },
    { seed: 0xdeadbeef, stream: 0xffffffff, step: 0xfffffffe },
  ];
  const counts = [1, ELEMENTWISE_WORKGROUP_SIZE - 1, ELEMENTWISE_WORKGROUP_SIZE + 1, 1000];

  it.each(positions)('u32 and uniform streams equal the reference bit for bit at %o', async (position) => {
    for (const count of counts) {
      const bits = await onGpu('fill_u32', (gpu) => fillU32(gpu, position, count));
      expect(bits, `u32, ${count} elements`).toEqual(reference.u32Array(position.seed, position.stream, position.step, count));
      const uniform = await onGpu('fill_uniform', (gpu) => fillUniform(gpu, position, count));
      expectClose(uniform, reference.uniformArray(position.seed, position.stream, position.step, count), EXACT, `uniform, ${count} elements`);
    }
  });

  it('fill_u32 past the dispatch limit (more than 65535 workgroups) equals the reference', async () => {
    const gpu = await getTestGpu();
    const count = gpu.device.limits.maxComputeWorkgroupsPerDimension * ELEMENTWISE_WORKGROUP_SIZE + 65;
    const position = { seed: 7, stream: 1, step: 2 };
    const bits = await onGpu('fill_u32 past the dispatch limit', (g) => fillU32(g, position, count));
    const expected = reference.u32Array(position.seed, position.stream, position.step, count);
    let firstMismatch = -1;
    for (let i = 0; i < count && firstMismatch < 0; i++) if (bits[i] !== expected[i]) firstMismatch = i;
    expect(firstMismatch, `first mismatch of ${count}`).toBe(-1);
  });

  it('normals match the reference within the transcendental tolerance', async () => {
    for (const [position, normal] of [
      [{ seed: 5, stream: 9, step: 0 }, { mean: 0, std: 1 }],
      [{ seed: 0xabcdef01, stream: 2, step: 123456 }, { mean: -1.5, std: 0.25 }],
    ] as const) {
      const count = 20_000;
      const values = await onGpu('fill_normal', (gpu) => fillNormal(gpu, position, count, normal));
      const expected = reference.normalArray(position.seed, position.stream, position.step, count, normal.mean, normal.std);
      expectClose(values, expected, NORMAL_TOLERANCE, `normals at ${JSON.stringify(position)}`);
    }
  });

  it('100k normals and uniforms have the right mean and variance', async () => {
    const count = 100_000;
    const position = { seed: 2024, stream: 1, step: 0 };
    const normals = meanAndVariance(await onGpu('fill_normal', (gpu) => fillNormal(gpu, position, count)));
    // 5 standard errors: sd(mean) = 1/sqrt(n), sd(sample variance) ~ sqrt(2/n).
    expect(Math.abs(normals.mean)).toBeLessThan(5 / Math.sqrt(count));
    expect(Math.abs(normals.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
    const uniforms = meanAndVariance(await onGpu('fill_uniform', (gpu) => fillUniform(gpu, position, count)));
    // Uniform(0, 1): mean 1/2 (sd 0.289/sqrt(n)), variance 1/12 (sd sqrt(1/180 / n)).
    expect(Math.abs(uniforms.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / count));
    expect(Math.abs(uniforms.variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / count));
  });

  it('rng_uniform_below equals the reference, retries included', async () => {
    const cases = UNIFORM_BELOW_BOUNDS.flatMap((bound) => Array.from({ length: UNIFORM_BELOW_POSITIONS }, (_, position) => ({ bound, position })));
    const inputs = new Uint32Array(cases.flatMap(({ bound, position }) => [bound, ...UNIFORM_BELOW_KEY, position]));
    const outputs = await runProbe('uniform_below probe', uniformBelowProbe, inputs, 1);
    expect(Array.from(outputs)).toEqual(cases.map(({ bound, position }) => reference.uniformBelow(bound, UNIFORM_BELOW_KEY, position)));
  });

  // Shapes around the sampler's one workgroup per step: n and B below, at and above its size, B = n,
  // n far above it (each thread fills many scratch entries), and n = 2^22 + 3 (bounds n - k near 2^22,
  // where Lemire's method retries about once per thousand draws).
  const batchCases = [
    { sampleCount: 1, batchSize: 1 },
    { sampleCount: 2, batchSize: 2 },
    { sampleCount: 3, batchSize: 3 },
    { sampleCount: 7, batchSize: 5 },
    { sampleCount: BATCH_SAMPLER_WORKGROUP_SIZE, batchSize: BATCH_SAMPLER_WORKGROUP_SIZE },
    { sampleCount: BATCH_SAMPLER_WORKGROUP_SIZE + 1, batchSize: BATCH_SAMPLER_WORKGROUP_SIZE + 1 },
    { sampleCount: 100, batchSize: 100 },
    { sampleCount: 1000, batchSize: BATCH_SAMPLER_WORKGROUP_SIZE + 1 },
    { sampleCount: 5000, batchSize: 5000 },
    { sampleCount: 60_000, batchSize: 1000 },
    { sampleCount: 2 ** 22 + 3, batchSize: 257 },
  ];

  it.each(batchCases)('batch indices without replacement: distinct, in range, equal to the reference (%o)', async (shape) => {
    const sampling = { ...shape, seed: 99, stream: 4, step: 12, replace: false };
    const indices = await onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, sampling));
    expect(indices).toEqual(reference.sampleBatchIndices(99, 4, 12, shape.sampleCount, shape.batchSize, false));
    expect(Array.from(indices).every((k) => k < shape.sampleCount)).toBe(true);
    expect(distinctSorted(indices)).toBe(true);
  });

  it.each([...batchCases, { sampleCount: 2 ** 32 - 1, batchSize: 257 }])('batch indices with replacement: in range, equal to the reference (%o)', async (shape) => {
    const sampling = { ...shape, batchSize: shape.batchSize + 3, seed: 99, stream: 4, step: 12, replace: true };
    const indices = await onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, sampling));
    expect(indices).toEqual(reference.sampleBatchIndices(99, 4, 12, sampling.sampleCount, sampling.batchSize, true));
    expect(Array.from(indices).every((k) => k < sampling.sampleCount)).toBe(true);
  });

  it('with replacement keeps its streams: index k of step t is indexBelow(u32 element k at step t), many steps per dispatch', async () => {
    const sampling = { seed: 3, stream: 6, step: 0xfffffff0, sampleCount: 1000, batchSize: 70, replace: true, stepCount: 15 };
    const indices = await onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, sampling));
    const expected = new Uint32Array(sampling.stepCount * sampling.batchSize);
    for (let t = 0; t < sampling.stepCount; t++) {
      reference.u32Array(3, 6, sampling.step + t, sampling.batchSize).forEach((bits, k) => (expected[t * sampling.batchSize + k] = reference.indexBelow(bits, 1000)));
    }
    expect(indices).toEqual(expected);
  });

  it('many steps in one dispatch, past 65535 workgroups, equal the reference step by step; (7, 6) subsets pass the chi-square test', async () => {
    const gpu = await getTestGpu();
    const stepCount = gpu.device.limits.maxComputeWorkgroupsPerDimension + 100;
    const sampling = { seed: 21, stream: 5, step: 1000, sampleCount: 7, batchSize: 6, replace: false, stepCount };
    const indices = await onGpu('sample_batch_indices past the dispatch limit', (g) => sampleBatchIndices(g, sampling));
    const expected = referenceBatches(21, 5, 1000, stepCount, 7, 6, false);
    let firstMismatch = -1;
    for (let i = 0; i < expected.length && firstMismatch < 0; i++) if (indices[i] !== expected[i]) firstMismatch = i;
    expect(firstMismatch, `first mismatch of ${expected.length}`).toBe(-1);
    const { statistic, pValue } = subsetChiSquare(indices, 7, 6);
    expect(pValue, `chi-square ${statistic.toFixed(1)} on 6 df`).toBeGreaterThan(ALPHA);
  });

  it.each([
    { sampleCount: 10, batchSize: 5 },
    { sampleCount: 10, batchSize: 2 },
    { sampleCount: 16, batchSize: 3 },
  ])('GPU subset frequencies pass the chi-square test at alpha 1e-6 and equal the reference (%o)', async ({ sampleCount, batchSize }) => {
    const stepCount = subsetTestDraws(sampleCount, batchSize);
    const sampling = { seed: 77, stream: sampleCount, step: 0, sampleCount, batchSize, replace: false, stepCount };
    const indices = await onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, sampling));
    expect(indices).toEqual(referenceBatches(77, sampleCount, 0, stepCount, sampleCount, batchSize, false));
    const { statistic, degreesOfFreedom, pValue } = subsetChiSquare(indices, sampleCount, batchSize);
    expect(pValue, `chi-square ${statistic.toFixed(1)} on ${degreesOfFreedom} df`).toBeGreaterThan(ALPHA);
  });

  it('GPU inclusion frequency B/n (n = 1000, B = 37) and co-inclusion B(B-1)/(n(n-1)) (n = 200, B = 37) within Chernoff bounds', async () => {
    const draw = (stream: number, sampleCount: number) =>
      onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, { seed: 5, stream, step: 0, sampleCount, batchSize: 37, replace: false, stepCount: 20_000 }));
    expectInclusionFrequencies(await draw(11, 1000), 1000, 37, 'GPU, n = 1000, B = 37', false);
    expectInclusionFrequencies(await draw(12, 200), 200, 37, 'GPU, n = 200, B = 37', true);
  });

  it('batches differ across steps, seeds and streams; a full batch is a permutation', async () => {
    const base = { sampleCount: 500, batchSize: 500, seed: 1, stream: 0, step: 0, replace: false };
    const draw = (change: Partial<typeof base>) => onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, { ...base, ...change }));
    const first = await draw({});
    expect(Array.from(first).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const change of [{ step: 1 }, { seed: 2 }, { stream: 1 }]) {
      expect(Array.from(await draw(change)), JSON.stringify(change)).not.toEqual(Array.from(first));
    }
    const u32Base = await onGpu('fill_u32', (gpu) => fillU32(gpu, { seed: 1, stream: 0, step: 0 }, 64));
    const u32OtherStream = await onGpu('fill_u32', (gpu) => fillU32(gpu, { seed: 1, stream: 1, step: 0 }, 64));
    const u32OtherSeed = await onGpu('fill_u32', (gpu) => fillU32(gpu, { seed: 2, stream: 0, step: 0 }, 64));
    expect(u32OtherStream).not.toEqual(u32Base);
    expect(u32OtherSeed).not.toEqual(u32Base);
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const position = { seed: 0, stream: 0, step: 0 };
    await expect(fillU32(gpu, position, 0)).rejects.toThrow(KernelArgumentError);
    await expect(fillUniform(gpu, { ...position, seed: -1 }, 4)).rejects.toThrow(/'seed'/);
    await expect(fillUniform(gpu, { ...position, stream: 2 ** 32 }, 4)).rejects.toThrow(/'stream'/);
    await expect(fillU32(gpu, { ...position, step: 1.5 }, 4)).rejects.toThrow(/'step'/);
    await expect(fillNormal(gpu, position, 4, { mean: NaN, std: 1 })).rejects.toThrow(/'mean'/);
    await expect(fillNormal(gpu, position, 4, { mean: 0, std: -1 })).rejects.toThrow(/'std'/);
    const sampling = { ...position, sampleCount: 10, batchSize: 4, replace: false };
    await expect(sampleBatchIndices(gpu, { ...sampling, batchSize: 11 })).rejects.toThrow(/'batchSize'.*exceeds sampleCount/);
    await expect(sampleBatchIndices(gpu, { ...sampling, sampleCount: 0 })).rejects.toThrow(/'sampleCount'/);
    await expect(sampleBatchIndices(gpu, { ...sampling, batchSize: 0 })).rejects.toThrow(/'batchSize'/);
    await expect(sampleBatchIndices(gpu, { ...sampling, sampleCount: 2 ** 32, replace: true })).rejects.toThrow(/'sampleCount'/);
    await expect(sampleBatchIndices(gpu, { ...sampling, stepCount: 0 })).rejects.toThrow(/'stepCount'/);
    await expect(sampleBatchIndices(gpu, { ...sampling, step: 2 ** 32 - 2, stepCount: 3 })).rejects.toThrow(/'stepCount'.*u32 step counter/);
    await expect(sampleBatchIndices(gpu, { ...sampling, sampleCount: 2 ** 30, stepCount: 2 })).rejects.toThrow(/'scratch'.*storage binding limit/);
    const indices = createStorageBuffer(gpu, 'random-test/indices', 16);
    try {
      await expect(bindSampleBatchIndices(gpu, sampling, { indices })).rejects.toThrow(/'scratch' is required without replacement/);
      await expect(bindSampleBatchIndices(gpu, { ...sampling, replace: true }, { indices, scratch: indices })).rejects.toThrow(/'scratch' is given/);
      await expect(bindSampleBatchIndices(gpu, { ...sampling, stepCount: 2 }, { indices, scratch: indices })).rejects.toThrow(/'indices'/);
    } finally {
      indices.destroy();
    }
  });
});
