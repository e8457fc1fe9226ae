/**
 * The project's random number generator, on the CPU: Threefry-2x32 with 20 rounds (Salmon, Moraes,
 * Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011), counter-based and
 * stateless. shaders/random.wgsl.ts computes the same streams on the GPU, bit for bit for the
 * integer, uniform and index streams (normals agree to the GPU's log/cos accuracy).
 *
 * Stream layout (the contract both sides keep):
 *   key = (seed, stream), counter = (element index i, step), all u32.
 *   u32Array[i]     = word 0 of threefry2x32(seed, stream, i, step)
 *   uniformArray[i] = uniform01(u32Array[i])                       in [0, 1), a multiple of 2^-24
 *   normalArray[i]  = mean + std * boxMullerCosine(word 0, word 1 of the same block)
 *   with-replacement batch index k = indexBelow(u32Array[k], n)   (so k-th uniform scaled to [0, n))
 *   without-replacement batch: a partial Fisher-Yates shuffle of [0, n) under the per-step key
 *     K = batchPermutationKey(seed, stream, step); swap k (k < B) exchanges positions k and
 *     j_k = k + uniformBelow(n - k, K, k), whose attempt r reads word 0 of threefry2x32(K, k, r);
 *     batch index k = the value at position k after swap k.
 * The u32, uniform and normal streams of one (seed, stream, step) share blocks: draw independent
 * quantities from different `stream` values. Step 0xFFFFFFFF is reserved (it derives the
 * per-step shuffle key).
 */

/** Threefry-2x32 rotation constants R_{32x2} (Salmon et al. 2011, Table 4), used in round r as ROTATIONS[r mod 8]. */
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
/** Key-schedule parity constant C_240 of Threefish, truncated to 32 bits: ks2 = k0 ^ k1 ^ PARITY. */
const PARITY = 0x1bd11bda;
export const THREEFRY_ROUNDS = 20;

/** Counter word 1 used to derive the per-step shuffle key from (seed, stream, step). */
export const PERMUTATION_KEY_TAG = 0xffffffff;
/** The largest sample count the index samplers accept: n and every bound n - k are u32. */
export const MAX_SAMPLE_COUNT = 2 ** 32 - 1;

const UINT32_RANGE = 2 ** 32;

function rotateLeft32(x: number, bits: number): number {
  return ((x << bits) | (x >>> (32 - bits))) >>> 0;
}

/** Threefry-2x32-20 block function: (key0, key1, counter0, counter1) -> two u32 words. */
export function threefry2x32(key0: number, key1: number, counter0: number, counter1: number): [number, number] {
  const ks0 = key0 >>> 0;
  const ks1 = key1 >>> 0;
  const ks2 = (ks0 ^ ks1 ^ PARITY) >>> 0;
  const schedule = [ks0, ks1, ks2];
  let x0 = ((counter0 >>> 0) + ks0) >>> 0;
  let x1 = ((counter1 >>> 0) + ks1) >>> 0;
  for (let round = 0; round < THREEFRY_ROUNDS; round++) {
    x0 = (x0 + x1) >>> 0;
    x1 = (rotateLeft32(x1, ROTATIONS[round % 8]!) ^ x0) >>> 0;
    if (round % 4 === 3) {
      // Key injection s after every fourth round: x0 += ks[s mod 3], x1 += ks[(s+1) mod 3] + s.
      const injection = (round >>> 2) + 1;
      x0 = (x0 + schedule[injection % 3]!) >>> 0;
      x1 = (x1 + schedule[(injection + 1) % 3]! + injection) >>> 0;
    }
  }
  return [x0, x1];
}

/** u in [0, 2^32) -> (u >> 8) * 2^-24 in [0, 1): 24 bits, exact in float32 and float64 alike. */
export function uniform01(bits: number): number {
  return (bits >>> 8) * 2 ** -24;
}

/**
 * Box-Muller, cosine branch: z = sqrt(-2 log(1 - u1)) * cos(pi (2 u2 - 1)), u1, u2 = uniform01 of the
 * two words. 1 - u1 >= 2^-24 so the log never sees 0 (|z| <= 5.77); the angle lies in [-pi, pi), where
 * the GPU's cos has its stated accuracy, and cos(pi (2u - 1)) = -cos(2 pi u) keeps the law N(0, 1).
 */
export function normalFromBits(word0: number, word1: number): number {
  const radius = Math.sqrt(-2 * Math.log1p(-uniform01(word0)));
  return radius * Math.cos(Math.PI * (2 * uniform01(word1) - 1));
}

/** floor(u * n / 2^32) computed exactly: a u32 mapped to [0, n), never n (u <= 2^32 - 1). */
export function indexBelow(bits: number, sampleCount: number): number {
  const high = bits >>> 16;
  const low = bits & 0xffff;
  // floor((high * 2^16 + low) * n / 2^32) = floor((high * n + floor(low * n / 2^16)) / 2^16); each part < 2^53.
  return Math.floor((high * sampleCount + Math.floor((low * sampleCount) / 65536)) / 65536);
}

/** u32Array[i] = word 0 of threefry2x32(seed, stream, i, step). */
export function u32Array(seed: number, stream: number, step: number, count: number): Uint32Array {
  checkStreamArguments(seed, stream, step, count);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = threefry2x32(seed, stream, i, step)[0];
  return out;
}

/** uniformArray[i] = uniform01(u32Array[i]), in [0, 1). */
export function uniformArray(seed: number, stream: number, step: number, count: number): Float64Array {
  checkStreamArguments(seed, stream, step, count);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = uniform01(threefry2x32(seed, stream, i, step)[0]);
  return out;
}

/** normalArray[i] = mean + std * normalFromBits(threefry2x32(seed, stream, i, step)): N(mean, std^2). */
export function normalArray(seed: number, stream: number, step: number, count: number, mean = 0, std = 1): Float64Array {
  checkStreamArguments(seed, stream, step, count);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new RangeError(`normalArray: mean ${mean} and std ${std} must be finite, std >= 0`);
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const [word0, word1] = threefry2x32(seed, stream, i, step);
    out[i] = mean + std * normalFromBits(word0, word1);
  }
  return out;
}

/** The per-step key of the batch shuffle: threefry2x32(seed, stream, step, PERMUTATION_KEY_TAG). */
export function batchPermutationKey(seed: number, stream: number, step: number): [number, number] {
  return threefry2x32(seed, stream, step, PERMUTATION_KEY_TAG);
}

/**
 * An exactly uniform integer in [0, bound), 1 <= bound < 2^32, by Lemire's multiply-and-reject
 * ("Fast random integer generation in an interval", ACM TOMACS 2019): with u uniform on [0, 2^32),
 * u * bound = high * 2^32 + low; accepting only low >= (2^32 - bound) mod bound leaves exactly
 * floor(2^32 / bound) values of u for every high, so high is uniform. Attempt r (r = 0, 1, ...) reads
 * u = word 0 of threefry2x32(key, position, r); a retry has probability < bound / 2^32.
 */
export function uniformBelow(bound: number, key: readonly [number, number], position: number): number {
  const threshold = (UINT32_RANGE - bound) % bound;
  for (let attempt = 0; ; attempt++) {
    const bits = threefry2x32(key[0], key[1], position, attempt)[0];
    // Math.imul gives the product mod 2^32, i.e. the low word, exactly.
    if (Math.imul(bits, bound) >>> 0 >= threshold) return indexBelow(bits, bound);
  }
}

/**
 * Minibatch indices for one step. With replacement: index k = indexBelow(u32 stream element k, n).
 * Without replacement (B <= n): the first B positions of a partial Fisher-Yates shuffle of [0, n)
 * (header), so the ordered B-tuple is uniform over the n! / (n - B)! tuples of distinct indices:
 * swap k picks j_k uniformly among the n - k positions not yet fixed. Only displaced positions are
 * stored (O(B) memory), so n may be as large as 2^32 - 1.
 */
export function sampleBatchIndices(
  seed: number,
  stream: number,
  step: number,
  sampleCount: number,
  batchSize: number,
  replace: boolean,
): Uint32Array {
  checkStreamArguments(seed, stream, step, batchSize);
  checkSampleCount(sampleCount, batchSize, replace);
  const out = new Uint32Array(batchSize);
  if (replace) {
    for (let k = 0; k < batchSize; k++) out[k] = indexBelow(threefry2x32(seed, stream, k, step)[0], sampleCount);
  } else {
    const key = batchPermutationKey(seed, stream, step);
    // The shuffled array is the identity except at the positions in `moved`; position k is final after swap k (j_k >= k).
    const moved = new Map<number, number>();
    for (let k = 0; k < batchSize; k++) {
      const j = k + uniformBelow(sampleCount - k, key, k);
      out[k] = moved.get(j) ?? j;
      moved.set(j, moved.get(k) ?? k);
    }
  }
  return out;
}

function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < UINT32_RANGE;
}

function checkStreamArguments(seed: number, stream: number, step: number, count: number): void {
  for (const [name, value] of [['seed', seed], ['stream', stream], ['step', step]] as const) {
    if (!isUint32(value)) throw new RangeError(`random: ${name} must be an integer in [0, 2^32), got ${value}`);
  }
  if (!Number.isInteger(count) || count < 0 || count > UINT32_RANGE) {
    throw new RangeError(`random: count must be an integer in [0, 2^32], got ${count}`);
  }
}

function checkSampleCount(sampleCount: number, batchSize: number, replace: boolean): void {
  if (!Number.isInteger(sampleCount) || sampleCount < 1 || sampleCount > MAX_SAMPLE_COUNT) {
    throw new RangeError(`random: sampleCount must be an integer in [1, 2^32 - 1], got ${sampleCount}`);
  }
  if (!replace && batchSize > sampleCount) {
    throw new RangeError(`random: batchSize ${batchSize} exceeds sampleCount ${sampleCount}; sampling without replacement needs B <= n`);
  }
}
