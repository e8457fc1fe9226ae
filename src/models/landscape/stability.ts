/**
 * Linear stability of SGD at a minimum, 1-D (docs/science.md section 4; seed 001, eq. 0.15-0.19): the
 * theoretical boundaries the (sharpness a, non-uniformity s) diagram draws over its Monte Carlo cells.
 * f(x) = (1/(2n)) sum_i a_i x^2, a = mean a_i, s^2 = mean a_i^2 - a^2; SGD with batch B gives
 * x_{t+1} = (1 - lr a_batch) x_t with a_batch the mean of B sampled a_i, i.i.d. over steps, so
 *   E x_{t+1}^2 = [(1 - lr a)^2 + lr^2 phi s^2] E x_t^2,  phi = (n - B) / (B (n - 1)) (without
 *   replacement; 1/B with replacement) — the mean-square condition growth <= 1;
 *   log|x_T| / T -> lambda = E log|1 - lr a_batch| almost surely (law of large numbers) — the
 *   Lyapunov exponent: a single run escapes iff lambda > 0. By Jensen, lambda <= log(growth) / 2,
 *   so the lambda > 0 region lies beyond the mean-square boundary.
 */
import { twoPointCurvatures } from '../../core/landscape';
import { sampleBatchIndices } from '../../core/random';

/** phi: Var(a_batch) = phi s^2. Without replacement (n - B) / (B (n - 1)) (0 for n = 1); with replacement 1/B. */
export function batchVarianceFactor(sampleCount: number, batchSize: number, withReplacement: boolean): number {
  if (withReplacement) return 1 / batchSize;
  return sampleCount === 1 ? 0 : (sampleCount - batchSize) / (batchSize * (sampleCount - 1));
}

export interface LinearStabilityCase {
  readonly learningRate: number;
  /** a = mean a_i. */
  readonly sharpness: number;
  /** s = population std of the a_i. */
  readonly nonUniformity: number;
  /** n. */
  readonly sampleCount: number;
  /** B. */
  readonly batchSize: number;
  readonly withReplacement?: boolean;
}

/** E x_{t+1}^2 / E x_t^2 = (1 - lr a)^2 + lr^2 phi s^2. */
export function meanSquareGrowth(c: LinearStabilityCase): number {
  const phi = batchVarianceFactor(c.sampleCount, c.batchSize, c.withReplacement ?? false);
  return (1 - c.learningRate * c.sharpness) ** 2 + c.learningRate ** 2 * phi * c.nonUniformity ** 2;
}

/** Mean-square stable: growth <= 1 (docs/science.md section 4). */
export function isMeanSquareStable(c: LinearStabilityCase): boolean {
  return meanSquareGrowth(c) <= 1;
}

/**
 * The mean-square boundary at sharpness a: the largest stable s, sqrt((1 - (1 - lr a)^2) / (lr^2 phi)),
 * for 0 <= a <= 2/lr; NaN outside (no s is stable); Infinity when phi = 0 (B = n: GD, s plays no role).
 */
export function meanSquareBoundary(c: Omit<LinearStabilityCase, 'nonUniformity'>): number {
  const slack = 1 - (1 - c.learningRate * c.sharpness) ** 2;
  if (slack < 0) return Number.NaN;
  const phi = batchVarianceFactor(c.sampleCount, c.batchSize, c.withReplacement ?? false);
  return phi === 0 ? Number.POSITIVE_INFINITY : Math.sqrt(slack / (c.learningRate ** 2 * phi));
}

/** The law of a_batch: its distinct values and their probabilities. */
export interface BatchCurvatureLaw {
  readonly values: number[];
  readonly probabilities: number[];
}

/** log(k!) for k <= count, by summation (exact enough in float64 for the sizes used here). */
function logFactorials(count: number): Float64Array {
  const table = new Float64Array(count + 1);
  for (let k = 1; k <= count; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
}

/** C(B + r - 1, r - 1): count vectors of r groups summing to B (an upper bound on outcomes). */
function compositionCount(batchSize: number, groups: number): number {
  let count = 1;
  for (let i = 1; i < groups; i++) count = (count * (batchSize + i)) / i;
  return count;
}

/**
 * The exact law of a_batch, by grouping equal curvatures (values v_j with multiplicities m_j) and
 * enumerating how many of each the batch holds (c_j, sum c_j = B): probability
 * prod C(m_j, c_j) / C(n, B) without replacement (multivariate hypergeometric), or
 * B! prod (m_j / n)^{c_j} / c_j! with replacement (multinomial). For the two-point cells that is
 * B + 1 outcomes whatever n is. Undefined when more than `maxOutcomes` count vectors would be needed.
 */
export function batchCurvatureLaw(curvatures: readonly number[], batchSize: number, withReplacement: boolean, maxOutcomes = 1e6): BatchCurvatureLaw | undefined {
  const n = curvatures.length;
  if (!withReplacement && batchSize > n) throw new RangeError(`batchCurvatureLaw: B = ${batchSize} exceeds n = ${n} without replacement`);
  const multiplicity = new Map<number, number>();
  for (const a of curvatures) multiplicity.set(a, (multiplicity.get(a) ?? 0) + 1);
  const groupValues = [...multiplicity.keys()];
  const groupSizes = groupValues.map((v) => multiplicity.get(v)!);
  if (compositionCount(batchSize, groupValues.length) > maxOutcomes) return undefined;
  const logFactorial = logFactorials(Math.max(n, batchSize));
  const logChoose = (m: number, c: number) => logFactorial[m]! - logFactorial[c]! - logFactorial[m - c]!;
  const values: number[] = [];
  const probabilities: number[] = [];
  const counts = new Array<number>(groupValues.length).fill(0);
  const visit = (group: number, remaining: number) => {
    if (group === groupValues.length - 1) {
      if (!withReplacement && remaining > groupSizes[group]!) return;
      counts[group] = remaining;
      let logProbability = withReplacement ? logFactorial[batchSize]! : -logChoose(n, batchSize);
      let sum = 0;
      counts.forEach((c, j) => {
        logProbability += withReplacement ? c * Math.log(groupSizes[j]! / n) - logFactorial[c]! : logChoose(groupSizes[j]!, c);
        sum += c * groupValues[j]!;
      });
      values.push(sum / batchSize);
      probabilities.push(Math.exp(logProbability));
      return;
    }
    const most = withReplacement ? remaining : Math.min(remaining, groupSizes[group]!);
    for (let c = 0; c <= most; c++) {
      counts[group] = c;
      visit(group + 1, remaining - c);
    }
  };
  visit(0, batchSize);
  return { values, probabilities };
}

export interface LyapunovEstimate {
  /** lambda = E log|1 - lr a_batch| (-Infinity when a multiplier is exactly 0 with positive probability). */
  readonly value: number;
  /** 0 when exact; the Monte Carlo standard error sd / sqrt(samples) otherwise. */
  readonly standardError: number;
  readonly method: 'exact' | 'monte-carlo';
  readonly samples: number;
}

export interface LyapunovOptions {
  /** Enumerate when the law has at most this many outcomes (default 1e6). */
  readonly maxOutcomes?: number;
  /** Monte Carlo batches otherwise (default 1e5). */
  readonly monteCarloSamples?: number;
  readonly seed?: number;
}

/** Stream of the Monte Carlo batches (any fixed stream: they only need to be uniform). */
const LYAPUNOV_MONTE_CARLO_STREAM = 0x130;

/**
 * lambda = E log|1 - lr a_batch| for SGD with batch B on the curvatures a_i: exact from
 * batchCurvatureLaw when it is small enough, else Monte Carlo over batches drawn with the project's
 * sampler (standard error reported).
 */
export function lyapunovExponent(curvatures: readonly number[], learningRate: number, batchSize: number, withReplacement: boolean, options: LyapunovOptions = {}): LyapunovEstimate {
  const logMultiplier = (aBatch: number) => Math.log(Math.abs(1 - learningRate * aBatch));
  const law = batchCurvatureLaw(curvatures, batchSize, withReplacement, options.maxOutcomes ?? 1e6);
  if (law) {
    let value = 0;
    law.values.forEach((aBatch, i) => {
      if (law.probabilities[i]! > 0) value += law.probabilities[i]! * logMultiplier(aBatch);
    });
    return { value, standardError: 0, method: 'exact', samples: law.values.length };
  }
  const samples = options.monteCarloSamples ?? 100_000;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < samples; i++) {
    const batch = sampleBatchIndices(options.seed ?? 0, LYAPUNOV_MONTE_CARLO_STREAM, i, curvatures.length, batchSize, withReplacement);
    let aBatch = 0;
    for (const index of batch) aBatch += curvatures[index]!;
    const term = logMultiplier(aBatch / batchSize);
    sum += term;
    sumSquares += term * term;
  }
  const value = sum / samples;
  const variance = Math.max(0, sumSquares / samples - value * value);
  return { value, standardError: Math.sqrt(variance / (samples - 1)), method: 'monte-carlo', samples };
}

/** E m^2 and E m^4 of m = 1 - lr a_batch from the exact law: E x_T^2 = x_0^2 (E m^2)^T, E x_T^4 likewise. */
export function multiplierMoments(curvatures: readonly number[], learningRate: number, batchSize: number, withReplacement: boolean): { second: number; fourth: number } {
  const law = batchCurvatureLaw(curvatures, batchSize, withReplacement);
  if (!law) throw new RangeError('multiplierMoments: the batch law has too many outcomes to enumerate');
  let second = 0;
  let fourth = 0;
  law.values.forEach((aBatch, i) => {
    const m2 = (1 - learningRate * aBatch) ** 2;
    second += law.probabilities[i]! * m2;
    fourth += law.probabilities[i]! * m2 * m2;
  });
  return { second, fourth };
}

/** lambda for the two-point cell (a, s) of twoPointCurvatures (exact: B + 1 outcomes). */
export function twoPointLyapunovExponent(c: LinearStabilityCase): number {
  const curvatures = twoPointCurvatures(c.sharpness, c.nonUniformity, c.sampleCount);
  return lyapunovExponent(curvatures, c.learningRate, c.batchSize, c.withReplacement ?? false).value;
}

/**
 * The Lyapunov boundary at sharpness a for two-point cells: the smallest s in [0, sMax] with
 * lambda(a, s) > 0, located by a scan of `gridCount` points and then bisection (to 1e-12 relative).
 * 0 when lambda(a, 0) = log|1 - lr a| > 0 already (a > 2/lr); NaN when no s in range escapes.
 * lambda need not be monotone in s (a multiplier passing through 0 makes a dip to -Infinity), hence
 * the scan rather than a plain bisection on [0, sMax].
 */
export function lyapunovBoundary(c: Omit<LinearStabilityCase, 'nonUniformity'>, sMax: number, gridCount = 400): number {
  const lambda = (s: number) => twoPointLyapunovExponent({ ...c, nonUniformity: s });
  if (lambda(0) > 0) return 0;
  let previous = 0;
  for (let i = 1; i <= gridCount; i++) {
    const s = (sMax * i) / gridCount;
    if (lambda(s) > 0) {
      let low = previous;
      let high = s;
      while (high - low > 1e-12 * high) {
        const middle = (low + high) / 2;
        if (lambda(middle) > 0) high = middle;
        else low = middle;
      }
      return high;
    }
    previous = s;
  }
  return Number.NaN;
}
