/**
 * Tail probabilities for the sampler tests: the chi-square survival function (regularized upper
 * incomplete gamma, Numerical Recipes' series and Lentz continued fraction) and a Chernoff interval for
 * binomial counts. Both are exact bounds or evaluations, not normal approximations, so a stated
 * significance holds even in the tails and for small expected counts.
 */

/** log Gamma(a) for a > 0 (Lanczos, g = 7, 9 terms: relative error about 1e-15). */
export function logGamma(a: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
  const z = a - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < coefficients.length; i++) sum += coefficients[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const GAMMA_EPSILON = 1e-15;
const GAMMA_MAX_ITERATIONS = 100_000;

/** Q(a, x) = Gamma(a, x) / Gamma(a), the regularized upper incomplete gamma function. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefactor = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // P(a, x) = x^a e^-x / Gamma(a + 1) * sum_k x^k / ((a + 1) ... (a + k)).
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < GAMMA_MAX_ITERATIONS && Math.abs(term) > GAMMA_EPSILON * Math.abs(sum); k++) {
      term *= x / (a + k);
      sum += term;
    }
    return 1 - sum * Math.exp(logPrefactor);
  }
  // Q(a, x) = x^a e^-x / Gamma(a) * 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)), modified Lentz.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let fraction = d;
  for (let k = 1; k < GAMMA_MAX_ITERATIONS; k++) {
    const an = -k * (k - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < GAMMA_EPSILON) break;
  }
  return Math.exp(logPrefactor) * fraction;
}

/** P(X >= statistic) for X ~ chi-square with `degreesOfFreedom` degrees of freedom. */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  return upperRegularizedGamma(degreesOfFreedom / 2, statistic / 2);
}

/** Pearson's statistic sum (observed - expected)^2 / expected. */
export function pearsonStatistic(observed: ArrayLike<number>, expected: number | ArrayLike<number>): number {
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = typeof expected === 'number' ? expected : expected[i]!;
    statistic += (observed[i]! - e) ** 2 / e;
  }
  return statistic;
}

/** Kullback-Leibler divergence D(q || p) of Bernoulli laws. */
function bernoulliDivergence(q: number, p: number): number {
  const term = (a: number, b: number) => (a === 0 ? 0 : a * Math.log(a / b));
  return term(q, p) + term(1 - q, 1 - p);
}

/**
 * [low, high] holding a Binomial(trials, p) count with probability >= 1 - alpha: by Chernoff,
 * P(X >= t q) <= exp(-t D(q || p)) for q >= p (likewise below), so each end is where
 * t D(q || p) = log(2 / alpha), found by bisection. Valid for any mean, however small.
 */
export function binomialInterval(trials: number, p: number, alpha: number): [number, number] {
  const budget = Math.log(2 / alpha) / trials;
  const solve = (from: number, to: number): number => {
    // D(q || p) grows monotonically from q = p towards `to`; find where it reaches the budget.
    let inside = from;
    let outside = to;
    if (bernoulliDivergence(to, p) <= budget) return to;
    for (let i = 0; i < 200; i++) {
      const middle = (inside + outside) / 2;
      if (bernoulliDivergence(middle, p) <= budget) inside = middle;
      else outside = middle;
    }
    return outside;
  };
  return [Math.floor(trials * solve(p, 0)), Math.ceil(trials * solve(p, 1))];
}

/** Binomial coefficient C(n, k), exact for the small n of the subset tests. */
export function choose(n: number, k: number): number {
  let value = 1;
  for (let i = 1; i <= k; i++) value = (value * (n - k + i)) / i;
  return Math.round(value);
}

function popcount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

/** Pearson's chi-square of subset frequencies against the uniform law on the C(n, B) subsets (df = C(n, B) - 1). */
export interface SubsetFit {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** Masks that are not B-subsets of [0, n) (a repeated or out-of-range index): must be 0. */
  readonly invalidCount: number;
}

/** Subsets of [0, n), n <= 16, given as bit masks (bit i set: i is in the batch), tested for uniformity. */
export function subsetFit(masks: ArrayLike<number>, sampleCount: number, batchSize: number): SubsetFit {
  const counts = new Float64Array(1 << sampleCount);
  let invalidCount = 0;
  for (let r = 0; r < masks.length; r++) {
    const mask = masks[r]!;
    if (mask >= counts.length || popcount(mask) !== batchSize) invalidCount++;
    else counts[mask]!++;
  }
  const cells: number[] = [];
  counts.forEach((count, mask) => {
    if (popcount(mask) === batchSize) cells.push(count);
  });
  const statistic = pearsonStatistic(cells, (masks.length - invalidCount) / cells.length);
  const degreesOfFreedom = cells.length - 1;
  return { statistic, degreesOfFreedom, pValue: degreesOfFreedom === 0 ? 1 : chiSquareSurvival(statistic, degreesOfFreedom), invalidCount };
}
