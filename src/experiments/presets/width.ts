/**
 * Width-transition presets (docs/science.md section 3, seed 001 "test error and path norm curves"): at fixed n,
 * test error and path norm against the width m of an unscaled net (double descent: a peak near the
 * interpolation threshold m = n) and of a mean-field net (smooth), and the heatmap of test error over (m, n).
 *
 * The unscaled net is the random feature model of the seed's student (standard scaling s_m = 1, a_j = 0 at
 * init, w_j ~ N(0, I/d), W frozen): from a = 0, GD and heavy-ball momentum stay in the row space of the
 * features Phi = relu(X W^T), so they converge to the minimum-norm interpolant a = Phi^+ y once m >= n. Its
 * norm and test error blow up at m = n, where the smallest singular value of the square Phi is near 0 (the
 * teacher is a single neuron outside the RFM span and the labels carry noise, so the interpolant must fit a
 * part that is not smooth). Convergence at m = n is slow (condition number ~ n^2 times the ReLU mean spike),
 * hence heavy ball (beta 0.9), the same min-norm limit in ~sqrt of the GD steps.
 */
import type { ExperimentConfigInput } from '../../config/schema';
import type { MetricsRow } from '../../core/simulation';
import type { CheckContext, CheckOutcome, Preset } from '../preset';

/** Fixed part of every run: the seed's single-neuron teacher (Fig. 4a) with label noise, d = 8. */
const INPUT_DIM = 8;
const LABEL_NOISE = 0.3;
const TEST_COUNT = 500;
/** Heavy ball beta; lr = RFM_LR_SCALE / m keeps lr lambda_max ~ 0.7 (lambda_max ~ 0.23 m measured, <= 0.4 m) below HB's 2 (1 + beta). */
const BETA = 0.9;
const RFM_LR_SCALE = 3;
/** Mean-field lr in particle time (width-independent). */
const MF_LR = 0.5;

type Net = 'unscaled' | 'mean-field';

interface Cell {
  readonly net: Net;
  readonly width: number;
  readonly sampleCount: number;
  readonly seed: number;
}

function cellConfig({ net, width, sampleCount, seed }: Cell, steps: number): ExperimentConfigInput {
  const unscaled = net === 'unscaled';
  return {
    name: `width-${net}-m${width}-n${sampleCount}`,
    seed,
    steps,
    stepsPerSubmit: steps,
    checkpointEvery: 0,
    loss: 'square',
    model: unscaled ? { width, scaling: 'standard', trainable: 'second', init: { aStd: 0 } } : { width, scaling: 'mean-field', trainable: 'both' },
    data: { kind: 'teacher-student', sampleCount, testCount: TEST_COUNT, inputDim: INPUT_DIM, teacher: { kind: 'single-neuron' }, labelNoiseStd: LABEL_NOISE, seed },
    optimizer: { rule: { kind: 'momentum', beta: BETA }, learningRate: unscaled ? RFM_LR_SCALE / width : MF_LR },
    metrics: { every: steps, names: ['loss', 'testLoss', 'pathNorm'] },
  };
}

interface CellResult {
  readonly testLoss: number;
  /** Path norm of the function, s_m sum_j |a_j| |w_j| (mean-field: divided by m). */
  readonly pathNorm: number;
  readonly trainLoss: number;
}

/** A cell of the (net, m) grid and the seeds it averages over. */
interface CellSpec {
  readonly net: Net;
  readonly width: number;
  readonly seeds: readonly number[];
}

/**
 * Runs cells at one n as run sets, one per seed: a seed fixes the data (data.seed = seed), which the members of a set
 * share, so the seeds cannot share a set; within a seed every cell that uses it is a member, both nets and all widths.
 * The members are given as bases, not as a sweep block: the unscaled net's lr follows its width (RFM_LR_SCALE / m) and
 * the nets differ in scaling, trainable part, init and lr together, which no cartesian grid of config paths pairs up.
 * Each cell averages its seeds' final test loss, function path norm and train loss, summed in seed order.
 */
async function runCells(ctx: CheckContext, cells: readonly CellSpec[], sampleCount: number, steps: number): Promise<CellResult[]> {
  const seeds = [...new Set(cells.flatMap((cell) => cell.seeds))].sort((a, b) => a - b);
  const rows = cells.map(() => new Map<number, MetricsRow>());
  for (const seed of seeds) {
    const inSet = cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => cell.seeds.includes(seed));
    const members = await ctx.runSet([], inSet.map(({ cell }) => cellConfig({ net: cell.net, width: cell.width, sampleCount, seed }, steps)));
    inSet.forEach(({ index }, k) => rows[index]!.set(seed, members[k]!.result.metrics.at(-1)!));
  }
  return cells.map((cell, index) => {
    const sum = { testLoss: 0, pathNorm: 0, trainLoss: 0 };
    for (const seed of cell.seeds) {
      const row = rows[index]!.get(seed)!;
      sum.testLoss += row.testLoss!;
      sum.pathNorm += row.pathNorm! / (cell.net === 'mean-field' ? cell.width : 1);
      sum.trainLoss += row.loss!;
    }
    const k = cell.seeds.length;
    return { testLoss: sum.testLoss / k, pathNorm: sum.pathNorm / k, trainLoss: sum.trainLoss / k };
  });
}

/** Both nets at every width: [unscaled, mean-field] per width, in width order. */
function bothNets(widths: readonly number[], unscaledSeeds: readonly number[], meanFieldSeeds: readonly number[]): CellSpec[] {
  return widths.flatMap((width) => [
    { net: 'unscaled' as const, width, seeds: unscaledSeeds },
    { net: 'mean-field' as const, width, seeds: meanFieldSeeds },
  ]);
}

/** Index of the largest value. */
function argmax(values: readonly number[]): number {
  let index = 0;
  values.forEach((value, i) => {
    if (value > values[index]!) index = i;
  });
  return index;
}

/**
 * The bump at m = n: the value there over the larger of the values at m = n/2 and m = 2n (every grid holds all three), so
 * the statistic is the same whatever the grid's spacing between them.
 */
function bumpAtN(widths: readonly number[], values: readonly number[], n: number): number {
  const at = (m: number) => values[widths.indexOf(m)]!;
  return at(n) / Math.max(at(n / 2), at(2 * n));
}

/** Largest ratio between neighbouring values (either direction): how sharply the curve changes. */
function maxNeighbourRatio(values: readonly number[]): number {
  let ratio = 1;
  for (let i = 1; i < values.length; i++) ratio = Math.max(ratio, values[i]! / values[i - 1]!, values[i - 1]! / values[i]!);
  return ratio;
}

/** Sizes of each check by size. */
interface TransitionSize {
  readonly sampleCount: number;
  readonly widths: readonly number[];
  readonly unscaledSeeds: readonly number[];
  readonly meanFieldSeeds: readonly number[];
  readonly steps: number;
}

const TRANSITION: Record<'reduced' | 'full', TransitionSize> = {
  reduced: { sampleCount: 20, widths: [10, 20, 40], unscaledSeeds: [1, 2, 3], meanFieldSeeds: [1], steps: 300 },
  full: { sampleCount: 20, widths: [5, 7, 10, 14, 20, 28, 40, 80, 160], unscaledSeeds: [1, 2, 3, 4], meanFieldSeeds: [1, 2], steps: 400 },
};

/** The unscaled peak must sit within this factor of n (the grid steps by sqrt 2 at full size, 2 reduced). */
const PEAK_FACTOR = 1.5;
/**
 * What counts as a peak: the bump at m = n (bumpAtN) at least this. The RFM's min-norm interpolant gives ~2x in float64
 * (numpy, 10 seeds, n = 20); a net without a peak stays below it.
 */
const PEAK_RATIO = 1.25;

async function checkTransition(ctx: CheckContext): Promise<CheckOutcome> {
  const size = TRANSITION[ctx.size];
  const n = size.sampleCount;
  const cells = await runCells(ctx, bothNets(size.widths, size.unscaledSeeds, size.meanFieldSeeds), n, size.steps);
  const unscaled = cells.filter((_, i) => i % 2 === 0);
  const meanField = cells.filter((_, i) => i % 2 === 1);
  const measured: Record<string, number> = { n };
  size.widths.forEach((m, i) => {
    measured[`unscaledTest@m=${m}`] = unscaled[i]!.testLoss;
    measured[`unscaledPath@m=${m}`] = unscaled[i]!.pathNorm;
    measured[`meanFieldTest@m=${m}`] = meanField[i]!.testLoss;
    measured[`meanFieldPath@m=${m}`] = meanField[i]!.pathNorm;
  });
  const { widths } = size;
  const curve = (cells: readonly CellResult[], key: keyof CellResult) => cells.map((c) => c[key]);
  const within = (m: number) => m >= n / PEAK_FACTOR && m <= n * PEAK_FACTOR;
  const m = {
    unscaledTestPeakWidth: widths[argmax(curve(unscaled, 'testLoss'))]!,
    unscaledPathPeakWidth: widths[argmax(curve(unscaled, 'pathNorm'))]!,
    unscaledTestBump: bumpAtN(widths, curve(unscaled, 'testLoss'), n),
    unscaledPathBump: bumpAtN(widths, curve(unscaled, 'pathNorm'), n),
    meanFieldTestBump: bumpAtN(widths, curve(meanField, 'testLoss'), n),
    meanFieldPathBump: bumpAtN(widths, curve(meanField, 'pathNorm'), n),
    // Reported, not gated: a factor-2 grid step changes any curve by more than a sqrt 2 one.
    meanFieldTestMaxNeighbourRatio: maxNeighbourRatio(curve(meanField, 'testLoss')),
    unscaledTestMaxNeighbourRatio: maxNeighbourRatio(curve(unscaled, 'testLoss')),
  };
  Object.assign(measured, m);
  const passed =
    within(m.unscaledTestPeakWidth) && within(m.unscaledPathPeakWidth) && m.unscaledTestBump >= PEAK_RATIO && m.unscaledPathBump >= PEAK_RATIO &&
    m.meanFieldTestBump < PEAK_RATIO && m.meanFieldPathBump < PEAK_RATIO;
  return {
    passed,
    claim:
      `at n = ${n}, the unscaled (RFM) net's test loss and path norm peak over m within a factor ${PEAK_FACTOR} of n, the value at m = n >= ${PEAK_RATIO}x ` +
      `the larger of those at n/2 and 2n; the mean-field net's stay < ${PEAK_RATIO}x (no peak)`,
    measured,
  };
}

/** Heatmap sizes: n values, widths as factors of n, seeds, and HB steps per sample (kappa ~ n^2 at m = n, HB needs ~ n steps). */
interface HeatmapSize {
  readonly sampleCounts: readonly number[];
  readonly widthFactors: readonly number[];
  readonly unscaledSeeds: readonly number[];
  readonly meanFieldSeeds: readonly number[];
  readonly stepsPerSample: number;
}

const HEATMAP: Record<'reduced' | 'full', HeatmapSize> = {
  reduced: { sampleCounts: [10, 20], widthFactors: [0.5, 1, 2], unscaledSeeds: [1, 2], meanFieldSeeds: [1], stepsPerSample: 12 },
  full: { sampleCounts: [10, 20, 40], widthFactors: [0.25, 0.5, 0.71, 1, 1.41, 2, 4], unscaledSeeds: [1, 2], meanFieldSeeds: [1], stepsPerSample: 15 },
};

/** The heatmap preset's config is the unscaled cell m = n at this n (full size). */
const HEATMAP_CONFIG_N = 40;

/**
 * The test-loss heatmap over (m, n) for both nets, stored as `<net>Test@m=..,n=..` (and the path norm alike), and per n
 * the ridge: the argmax over m and the ratio of the value at m = n to its larger neighbour.
 */
async function checkHeatmap(ctx: CheckContext): Promise<CheckOutcome> {
  const size = HEATMAP[ctx.size];
  const measured: Record<string, number> = {};
  let unscaledRidge = true;
  let meanFieldFlat = true;
  const widthsAt = (n: number) => size.widthFactors.map((factor) => Math.max(1, Math.round(factor * n)));
  // Run sets per (n, seed): n changes the data and the step count, a seed the data (runCells). The config's n runs
  // first, so the first set holds the config (the preset's runs).
  const order = [...size.sampleCounts].sort((a, b) => Number(b === HEATMAP_CONFIG_N) - Number(a === HEATMAP_CONFIG_N));
  const cellsAt = new Map<number, CellResult[]>();
  for (const n of order) cellsAt.set(n, await runCells(ctx, bothNets(widthsAt(n), size.unscaledSeeds, size.meanFieldSeeds), n, size.stepsPerSample * n));
  for (const n of size.sampleCounts) {
    const widths = widthsAt(n);
    const cells = cellsAt.get(n)!;
    const curves: Record<Net, CellResult[]> = { unscaled: cells.filter((_, i) => i % 2 === 0), 'mean-field': cells.filter((_, i) => i % 2 === 1) };
    for (const net of ['unscaled', 'mean-field'] as const) {
      const key = net === 'unscaled' ? 'unscaled' : 'meanField';
      widths.forEach((m, i) => {
        measured[`${key}Test@m=${m},n=${n}`] = curves[net][i]!.testLoss;
        measured[`${key}Path@m=${m},n=${n}`] = curves[net][i]!.pathNorm;
      });
      const test = curves[net].map((c) => c.testLoss);
      const peakWidth = widths[argmax(test)]!;
      const bump = bumpAtN(widths, test, n);
      measured[`${key}ArgmaxM@n=${n}`] = peakWidth;
      measured[`${key}RidgeRatio@n=${n}`] = bump;
      if (net === 'unscaled') unscaledRidge &&= peakWidth >= n / PEAK_FACTOR && peakWidth <= n * PEAK_FACTOR && bump >= PEAK_RATIO;
      else meanFieldFlat &&= bump < PEAK_RATIO;
    }
  }
  return {
    passed: unscaledRidge && meanFieldFlat,
    claim:
      `for every n in {${size.sampleCounts.join(', ')}}, the unscaled (RFM) net's test loss over m peaks within a factor ${PEAK_FACTOR} of m = n at >= ${PEAK_RATIO}x ` +
      `those at m = n/2 and 2n (a ridge along m = n), while the mean-field net's stays < ${PEAK_RATIO}x (no ridge)`,
    measured,
  };
}

const transitionConfig = cellConfig({ net: 'unscaled', width: 20, sampleCount: 20, seed: 1 }, 400);

export const WIDTH_PRESETS: readonly Preset[] = [
  {
    name: 'width-transition',
    summary: 'Test error and path norm against width at fixed n: double-descent peak at m = n (unscaled) vs smooth (mean-field)',
    explanation:
      'Seed 001 (Ma, Wu and E, "test error and path norm curves", Fig. 4a): a single-neuron teacher in d = 8 with label noise 0.3, ' +
      'n = 20 samples. The unscaled net is the random feature model of the seed student (a = 0, w ~ N(0, I/d), W frozen, standard ' +
      'scaling): trained to interpolation, it reaches the minimum-norm interpolant, whose path norm sum_j |a_j||w_j| and test error ' +
      'blow up at the interpolation threshold m = n and come down again beyond (double descent). The mean-field net (1/m, both layers) ' +
      'varies smoothly with m. The check sweeps m over n/2, n, 2n (full: 5..160) with several seeds, one run set per seed (a seed fixes ' +
      'the data, which a set shares) holding both nets at every width; this config is one cell (m = n). It is not a sweep block: the ' +
      'unscaled net\'s lr follows its width (3/m), which a grid of independent config paths cannot express.',
    config: transitionConfig,
    plots: ['loss', 'testLoss', 'pathNorm'],
    check: checkTransition,
  },
  {
    name: 'double-descent-heatmap',
    summary: 'Test error over (width m, samples n) for unscaled and mean-field nets: a ridge along m = n only for the unscaled net',
    explanation:
      'Seed 001 (width transitions): the width sweep of width-transition repeated for several n. For the unscaled net (random ' +
      'feature model of the seed student, trained to its minimum-norm interpolant) the test error over (m, n) has a ridge along the ' +
      'interpolation threshold m = n; the mean-field net has none. The check stores every cell as testLoss@m=..,n=.. (unscaled and ' +
      'meanField prefixes, path norms alike) for the app to draw as two heatmaps, and per n the argmax over m and the ridge ratio. ' +
      'n is the data (and sets the step count), which the members of a run set share, so the check runs one set per n and seed (the ' +
      'seed fixes the data too), each holding both nets at every width m; this config is one cell (m = n = 40), not a sweep block, ' +
      'since the unscaled net\'s lr follows its width (3/m), which a grid of independent config paths cannot express.',
    config: cellConfig({ net: 'unscaled', width: HEATMAP_CONFIG_N, sampleCount: HEATMAP_CONFIG_N, seed: 1 }, HEATMAP.full.stepsPerSample * HEATMAP_CONFIG_N),
    plots: ['loss', 'testLoss', 'pathNorm'],
    check: checkHeatmap,
  },
];
