import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { threefryWgsl } from '../../shaders/random.wgsl';
import { createStorageBuffer, readUint32 } from '../../src/gpu/buffers';
import { KernelArgumentError } from '../../src/gpu/errors';
import { bindKernel, runKernels, type KernelSource } from '../../src/gpu/kernel';
import { packParams } from '../../src/gpu/params';
import { fillNormal, fillU32, fillUniform, sampleBatchIndices } from '../../src/kernels/random';
import * as reference from '../../src/reference/random';
import { getTestGpu, onGpu } from '../helpers/gpu';
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

/** A test-only kernel that evaluates the shared snippet on arbitrary (key, counter) pairs. */
const threefryProbe: KernelSource<Record<string, never>> = {
  family: 'random-test',
  entryPoint: 'threefry_probe',
  cacheKey: () => 'probe',
  source: () => `
struct Params { pair_count: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> inputs: array<vec4u>;
@group(0) @binding(2) var<storage, read_write> outputs: array<vec2u>;
${threefryWgsl}
@compute @workgroup_size(1)
fn threefry_probe(@builtin(workgroup_id) workgroup_id: vec3u) {
  let i = workgroup_id.x;
  if (i >= params.pair_count) { return; }
  outputs[i] = rng_threefry2x32(inputs[i].xy, inputs[i].zw);
}
`,
};

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

  it('the batch permutation is a bijection of [0, n) for every n up to 300', () => {
    for (let n = 1; n <= 300; n++) {
      const indices = reference.sampleBatchIndices(11, 2, 7, n, n, false);
      expect(Array.from(indices).sort((a, b) => a - b), `n = ${n}`).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('permutations differ across steps, seeds and streams', () => {
    const base = Array.from(reference.sampleBatchIndices(1, 0, 0, 1000, 50, false));
    expect(Array.from(reference.sampleBatchIndices(1, 0, 1, 1000, 50, false))).not.toEqual(base);
    expect(Array.from(reference.sampleBatchIndices(2, 0, 0, 1000, 50, false))).not.toEqual(base);
    expect(Array.from(reference.sampleBatchIndices(1, 1, 0, 1000, 50, false))).not.toEqual(base);
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
    const outputs = await onGpu('threefry known answers', async (gpu) => {
      const inputBuffer = createStorageBuffer(gpu, 'random-test/inputs', inputs);
      const outputBuffer = createStorageBuffer(gpu, 'random-test/outputs', cases.length * 8);
      const kernel = await bindKernel(gpu, threefryProbe, {}, {
        params: packParams([['u32', cases.length]]),
        buffers: [inputBuffer, outputBuffer],
        workgroupCount: cases.length,
      });
      await runKernels(gpu, 'threefry known answers', [kernel]);
      const result = await readUint32(gpu, outputBuffer, cases.length * 2);
      kernel.destroy();
      inputBuffer.destroy();
      outputBuffer.destroy();
      return result;
    });
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

  const batchCases = [
    { sampleCount: 1, batchSize: 1 },
    { sampleCount: 2, batchSize: 2 },
    { sampleCount: 3, batchSize: 3 },
    { sampleCount: 7, batchSize: 5 },
    { sampleCount: 100, batchSize: 100 },
    { sampleCount: 1000, batchSize: ELEMENTWISE_WORKGROUP_SIZE + 1 },
    { sampleCount: 60_000, batchSize: 1000 },
    // 2^16 + 1: the Feistel domain is 2^17, so about half the passes cycle-walk.
    { sampleCount: 65_537, batchSize: 2000 },
    { sampleCount: 2 ** 31, batchSize: 257 },
  ];

  it.each(batchCases)('batch indices without replacement: distinct, in range, equal to the reference (%o)', async (shape) => {
    const sampling = { ...shape, seed: 99, stream: 4, step: 12, replace: false };
    const indices = await onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, sampling));
    expect(indices).toEqual(reference.sampleBatchIndices(99, 4, 12, shape.sampleCount, shape.batchSize, false));
    expect(Array.from(indices).every((k) => k < shape.sampleCount)).toBe(true);
    expect(distinctSorted(indices)).toBe(true);
  });

  it.each(batchCases)('batch indices with replacement: in range, equal to the reference (%o)', async (shape) => {
    const sampling = { ...shape, batchSize: shape.batchSize + 3, seed: 99, stream: 4, step: 12, replace: true };
    const indices = await onGpu('sample_batch_indices', (gpu) => sampleBatchIndices(gpu, sampling));
    expect(indices).toEqual(reference.sampleBatchIndices(99, 4, 12, sampling.sampleCount, sampling.batchSize, true));
    expect(Array.from(indices).every((k) => k < sampling.sampleCount)).toBe(true);
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
    await expect(sampleBatchIndices(gpu, { ...sampling, sampleCount: 2 ** 31 + 1, replace: true })).rejects.toThrow(/'sampleCount'/);
  });
});
