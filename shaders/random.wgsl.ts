/**
 * Threefry-2x32-20 (Salmon et al., SC 2011) in WGSL, with the distributions and minibatch samplers
 * built on it. The streams equal src/core/random.ts bit for bit (u32, uniform, indices); its
 * header documents the layout: key = (seed, stream), counter = (element index, step); a batch
 * without replacement is a partial Fisher-Yates shuffle under the per-step key
 * K = threefry((seed, stream), (step, 0xFFFFFFFF)), swap k drawing uniform_below(n - k, K, k).
 *
 * `threefryWgsl` and `randomWgsl` are snippets other shaders may interpolate; every name they
 * declare starts with `rng_`.
 */
import { wgsl } from './preprocessor';
import { BATCH_SAMPLER_WORKGROUP_SIZE, ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl, entryArgumentsWgsl, linearWorkgroupIndex } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type RandomVariant = Record<string, never>;

/** sample_batch_indices: i.i.d. indices (`replace`) or a partial Fisher-Yates shuffle (binds a scratch buffer). */
export interface BatchSamplerVariant {
  readonly replace: boolean;
}

/** Threefry-2x32 rotation constants R_{32x2}; round r rotates by THREEFRY_ROTATIONS[r mod 8]. */
const THREEFRY_ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const THREEFRY_ROUNDS = 20;
/** Counter word 1 that derives the per-step shuffle key (PERMUTATION_KEY_TAG of the reference). */
const PERMUTATION_KEY_TAG = 0xffffffff;

/** The 20 rounds unrolled, with a key injection after every fourth: constant rotations, no runtime indexing. */
function threefryRounds(): string {
  const lines: string[] = [];
  for (let round = 0; round < THREEFRY_ROUNDS; round++) {
    lines.push(`  x0 = x0 + x1; x1 = rng_rotl(x1, ${THREEFRY_ROTATIONS[round % 8]}u) ^ x0;`);
    if (round % 4 === 3) {
      const s = (round >> 2) + 1;
      lines.push(`  x0 = x0 + ks[${s % 3}]; x1 = x1 + ks[${(s + 1) % 3}] + ${s}u;`);
    }
  }
  return lines.join('\n');
}

/** rng_threefry2x32(key, counter) -> two u32 words. u32 addition wraps in WGSL, as the cipher needs. */
export const threefryWgsl = /* wgsl */ `
fn rng_rotl(x: u32, bits: u32) -> u32 {
  return (x << bits) | (x >> (32u - bits));
}

fn rng_threefry2x32(key: vec2u, counter: vec2u) -> vec2u {
  // Key schedule: ks2 = k0 ^ k1 ^ 0x1BD11BDA (Threefish parity constant, 32-bit).
  let ks = array<u32, 3>(key.x, key.y, key.x ^ key.y ^ 0x1BD11BDAu);
  var x0 = counter.x + ks[0];
  var x1 = counter.y + ks[1];
${threefryRounds()}
  return vec2u(x0, x1);
}
`;

/** Distributions and index samplers on top of rng_threefry2x32 (includes threefryWgsl). */
export const randomWgsl = /* wgsl */ `
${threefryWgsl}
const RNG_PI: f32 = 3.14159265358979323846;

// uniform01(u) = (u >> 8) * 2^-24 in [0, 1): exact in f32.
fn rng_uniform01(bits: u32) -> f32 {
  return f32(bits >> 8u) * 5.9604644775390625e-8;
}

// -log(1 - u) for u in [0, 1). Below 1/16 the series u + u^2/2 + ... + u^6/6 (truncation under 2^-24
// relative) replaces log(1 - u), whose absolute (not relative) error near 1 would swamp small radii.
fn rng_neg_log1m(u: f32) -> f32 {
  if (u < 0.0625) {
    return u * (1.0 + u * (0.5 + u * (0.33333333333 + u * (0.25 + u * (0.2 + u * 0.16666666667)))));
  }
  return -log(1.0 - u);
}

// Taylor polynomials of cos(pi x) and sin(pi x) for |x| <= 1/4 (truncation under 3e-8).
fn rng_cospi_kernel(x: f32) -> f32 {
  let z = (RNG_PI * x) * (RNG_PI * x);
  return 1.0 - z * (${1 / 2} - z * (${1 / 24} - z * (${1 / 720} - z * (${1 / 40320} - z * ${1 / 3628800}))));
}
fn rng_sinpi_kernel(x: f32) -> f32 {
  let y = RNG_PI * x;
  let w = y * y;
  return y * (1.0 - w * (${1 / 6} - w * (${1 / 120} - w * (${1 / 5040} - w * ${1 / 362880}))));
}

// cos(pi t) for t in [-1, 1], reduced exactly (0.5 - a and 1 - a are exact in f32) to |x| <= 1/4.
// The builtin cos may err by 2^-11 absolute (WGSL's bound; SwiftShader's is 2^-12.4), too coarse
// to keep GPU and CPU initialisations within 1e-5 of each other.
fn rng_cospi(t: f32) -> f32 {
  let a = abs(t);
  if (a <= 0.25) { return rng_cospi_kernel(a); }
  if (a <= 0.75) { return rng_sinpi_kernel(0.5 - a); }
  return -rng_cospi_kernel(1.0 - a);
}

// Box-Muller, cosine branch: z = sqrt(-2 log(1 - u1)) cos(pi (2 u2 - 1)), u1, u2 from the two words.
fn rng_normal(bits: vec2u) -> f32 {
  let radius = sqrt(2.0 * rng_neg_log1m(rng_uniform01(bits.x)));
  return radius * rng_cospi(2.0 * rng_uniform01(bits.y) - 1.0);
}

// floor(a * b / 2^32) exactly, from 16-bit limbs (each partial product fits in u32).
fn rng_mul_high(a: u32, b: u32) -> u32 {
  let a_hi = a >> 16u;
  let a_lo = a & 0xFFFFu;
  let b_hi = b >> 16u;
  let b_lo = b & 0xFFFFu;
  let cross1 = a_hi * b_lo;
  let cross2 = a_lo * b_hi;
  let carry = ((cross1 & 0xFFFFu) + (cross2 & 0xFFFFu) + ((a_lo * b_lo) >> 16u)) >> 16u;
  return a_hi * b_hi + (cross1 >> 16u) + (cross2 >> 16u) + carry;
}

// A u32 mapped to [0, n): floor(u n / 2^32) <= n - 1 since u <= 2^32 - 1.
fn rng_index_below(bits: u32, sample_count: u32) -> u32 {
  return rng_mul_high(bits, sample_count);
}

// Exactly uniform on [0, bound), 1 <= bound: Lemire's multiply-and-reject. u * bound = high 2^32 + low;
// accepting low >= (2^32 - bound) mod bound leaves floor(2^32 / bound) values of u per high. Attempt r
// reads u = word 0 of threefry(key, (position, r)); a retry has probability < bound / 2^32.
fn rng_uniform_below(bound: u32, key: vec2u, position: u32) -> u32 {
  let threshold = (0u - bound) % bound;
  var attempt = 0u;
  loop {
    let bits = rng_threefry2x32(key, vec2u(position, attempt)).x;
    if (bits * bound >= threshold) { return rng_mul_high(bits, bound); }
    attempt++;
  }
}

// Per-step shuffle key: threefry((seed, stream), (step, 0xFFFFFFFF)).
fn rng_batch_permutation_key(seed: u32, stream: u32, step: u32) -> vec2u {
  return rng_threefry2x32(vec2u(seed, stream), vec2u(step, ${PERMUTATION_KEY_TAG}u));
}
`;


/** Uniform of the fill kernels: the count and stream position; mean and std_dev are read by fill_normal only. */
export const FILL_PARAMS = uniformStruct('FillParams', { element_count: 'u32', seed: 'u32', stream: 'u32', step: 'u32', mean: 'f32', std_dev: 'f32' });

/** Uniform of sample_batch_indices: B, n, the stream key, and the steps to draw. */
export const BATCH_SAMPLING_PARAMS = uniformStruct('BatchSamplingParams', {
  batch_size: 'u32',
  sample_count: 'u32',
  seed: 'u32',
  stream: 'u32',
  first_step: 'u32',
  step_count: 'u32',
});

const fillHeader = /* wgsl */ `
${FILL_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${FILL_PARAMS.name};
${elementIndexWgsl}
${randomWgsl}
// Element i of stream (seed, stream) at this step: the block at counter (i, step).
fn block_at(i: u32) -> vec2u {
  return rng_threefry2x32(vec2u(params.seed, params.stream), vec2u(i, params.step));
}
`;


/** values[i] = word 0 of threefry((seed, stream), (i, step)). */
export function fillU32Source(_variant: RandomVariant): string {
  return wgsl`${fillHeader}
@group(0) @binding(1) var<storage, read_write> values: array<u32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn fill_u32(${entryArgumentsWgsl}) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count) { return; }
  values[i] = block_at(i).x;
}
`;
}

/** values[i] = uniform01(word 0) in [0, 1). */
export function fillUniformSource(_variant: RandomVariant): string {
  return wgsl`${fillHeader}
@group(0) @binding(1) var<storage, read_write> values: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn fill_uniform(${entryArgumentsWgsl}) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count) { return; }
  values[i] = rng_uniform01(block_at(i).x);
}
`;
}

/** values[i] = mean + std_dev * z, z the Box-Muller cosine branch of block i. */
export function fillNormalSource(_variant: RandomVariant): string {
  return wgsl`${fillHeader}
@group(0) @binding(1) var<storage, read_write> values: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn fill_normal(${entryArgumentsWgsl}) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count) { return; }
  values[i] = params.mean + params.std_dev * rng_normal(block_at(i));
}
`;
}

/** Where drawBatchWgsl finds its inputs and puts the batch: WGSL expressions of the including kernel. */
export interface BatchDraw {
  readonly replace: boolean;
  /** Threads of the workgroup that draws; each thread's `local` index is in scope. */
  readonly threads: number;
  readonly seed: string;
  readonly stream: string;
  readonly step: string;
  readonly sampleCount: string;
  readonly batchSize: string;
  /** The u32 array receiving the batch from element `batchStart`. */
  readonly indices: string;
  readonly batchStart: string;
  /** Without replacement: the u32 array of n scratch elements from `scratchStart`. */
  readonly scratch?: string;
  readonly scratchStart?: string;
}

/**
 * One step's batch, drawn by one workgroup (every thread runs this text in uniform control flow):
 *   replace:  indices[k] = floor(u_k n / 2^32), u_k = word 0 of threefry((seed, stream), (k, step)).
 *   otherwise a partial Fisher-Yates shuffle of a scratch filled with the identity: the swap partners
 *     j_k = k + uniform_below(n - k, K, k) depend on k and the key only, so every thread draws its share
 *     of them into indices[] first; after a barrier thread 0 performs the swaps in order (swap k
 *     exchanges positions k and j_k) and overwrites indices[k] with the value at position k, which no
 *     later swap touches. The serial part is B memory swaps, the Threefry work and the fill are spread
 *     over the workgroup.
 * The batch is complete for thread 0 only: a reader in other threads waits at a storageBarrier first.
 */
export function drawBatchWgsl(draw: BatchDraw): string {
  const { indices, batchStart: start } = draw;
  if (draw.replace) {
    return `
  for (var k = local; k < ${draw.batchSize}; k += ${draw.threads}u) {
    let bits = rng_threefry2x32(vec2u(${draw.seed}, ${draw.stream}), vec2u(k, ${draw.step})).x;
    ${indices}[${start} + k] = rng_index_below(bits, ${draw.sampleCount});
  }`;
  }
  const scratch = draw.scratch!;
  const shuffled = draw.scratchStart!;
  return `
  {
    let key = rng_batch_permutation_key(${draw.seed}, ${draw.stream}, ${draw.step});
    let n = ${draw.sampleCount};
    for (var i = local; i < n; i += ${draw.threads}u) { ${scratch}[${shuffled} + i] = i; }
    for (var k = local; k < ${draw.batchSize}; k += ${draw.threads}u) {
      ${indices}[${start} + k] = k + rng_uniform_below(n - k, key, k);
    }
    storageBarrier();
    if (local == 0u) {
      for (var k = 0u; k < ${draw.batchSize}; k++) {
        let j = ${shuffled} + ${indices}[${start} + k];
        let value = ${scratch}[j];
        ${scratch}[j] = ${scratch}[${shuffled} + k];
        ${indices}[${start} + k] = value;
      }
    }
  }`;
}

/**
 * sample_batch_indices: one workgroup per step; workgroup g draws the batch of step first_step + g
 * into indices[g B .. (g + 1) B) (drawBatchWgsl), shuffling scratch[g n .. (g + 1) n) without replacement.
 */
export function sampleBatchIndicesSource(variant: BatchSamplerVariant): string {
  const draw = drawBatchWgsl({
    replace: variant.replace, threads: BATCH_SAMPLER_WORKGROUP_SIZE, seed: 'params.seed', stream: 'params.stream', step: 'step_index',
    sampleCount: 'params.sample_count', batchSize: 'params.batch_size', indices: 'indices', batchStart: 'g * params.batch_size',
    scratch: 'scratch', scratchStart: 'g * params.sample_count',
  });
  return wgsl`
${BATCH_SAMPLING_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${BATCH_SAMPLING_PARAMS.name};
${linearWorkgroupIndex}
${randomWgsl}
@group(0) @binding(1) var<storage, read_write> indices: array<u32>;
#if ${!variant.replace}
@group(0) @binding(2) var<storage, read_write> scratch: array<u32>;
#endif

@compute @workgroup_size(${BATCH_SAMPLER_WORKGROUP_SIZE})
fn sample_batch_indices(${entryArgumentsWgsl}) {
  let g = linear_workgroup_index(workgroup_id, workgroup_count);
  if (g >= params.step_count) { return; }
  let step_index = params.first_step + g;
${draw}
}
`;
}
