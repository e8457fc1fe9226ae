/**
 * The phenomena of docs/science.md sections 4 and 7 on the GPU, thousands of independent runs each:
 * SGD escaping a minimum GD keeps, the (a, s) stability diagram's two boundaries, saddle avoidance
 * by GD and the adaptive rules, and Perko's stable manifold. Thresholds come from the theory
 * (src/models/landscape/stability.ts), with the statistical margins stated beside each.
 */
import { describe, expect, it } from 'vitest';
import { lyapunovExponent, meanSquareGrowth, multiplierMoments } from '../../src/models/landscape/stability';
import { landscapeStartPoints, twoPointCurvatures } from '../../src/core/landscape';
import { perkoStableManifoldCoefficient } from '../../src/float64/landscape-functions';
import { onGpu } from '../helpers/gpu';
import { runLandscape } from '../helpers/kernel-arrays/landscapes';

const PARTICLES = 4096;
/** Short dispatches: a Chromium GPU watchdog must never see one long-running dispatch on SwiftShader. */
const STEPS_PER_DISPATCH = 250;

function fraction(values: ArrayLike<number>, test: (value: number, index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) count += test(values[i]!, i) ? 1 : 0;
  return count / values.length;
}

describe('escape (docs/science.md section 4): SGD leaves the minimum at 1, GD stays', () => {
  // x0 = 1 - 1e-5; "escaped" = the run left the ball |x - 1| <= 0.5 (exitStep >= 0).
  const common = { kind: 'escape' as const, particleCount: PARTICLES, learningRate: 0.7, exitAnchor: [1], exitRadius: 0.5, seed: 2024, stepsPerDispatch: STEPS_PER_DISPATCH };
  const x0 = new Float32Array(PARTICLES).fill(1 - 1e-5);

  it('SGD (B = 1): every run escapes to 0 within 500 steps', async () => {
    // At 1: a = 2, s = 1.8, lambda = (log 0.86 + log 1.66) / 2 = 0.178 > 0, so each run leaves almost
    // surely, after about log(0.5 / 1e-5) / 0.178 = 61 steps on average (measured: all by step ~140).
    const result = await onGpu('escape sgd', (gpu) => runLandscape(gpu, { ...common, batchSize: 1 }, x0, 500));
    expect(fraction(result.exitStep, (s) => s >= 0)).toBe(1);
    // At 0 both f_i are x^2 (a = 2, s = 0): stable for SGD too, so the runs settle there.
    expect(fraction(result.positions, (x) => Math.abs(x) < 1e-3)).toBe(1);
    expect(fraction(result.value, (f) => f < 1e-6)).toBe(1);
  });

  it('GD (full gradient): no run escapes; all converge to 1', async () => {
    // GD's multiplier at 1 is 1 - 0.7 * 2 = -0.4: contracting, deterministic, identical for every run.
    const result = await onGpu('escape gd', (gpu) => runLandscape(gpu, common, x0, 500));
    expect(fraction(result.exitStep, (s) => s >= 0)).toBe(0);
    expect(fraction(result.positions, (x) => Math.abs(x - 1) < 1e-6)).toBe(1);
  });
});

describe('stability diagram (docs/science.md section 4): cells at a = 0.5 across s, n = 2, B = 1, lr = 1', () => {
  // Two-point cells a +- s: m = 1 - a_batch in {0.5 - s, 0.5 + s}. Mean-square boundary s = sqrt(3/4),
  // Lyapunov boundary s = sqrt(5/4) (lambda = log|0.25 - s^2| / 2).
  const sValues = [0.6, 1.0, 1.05, 1.2, 1.4];
  const perCell = 1024;
  const spec = {
    kind: 'quadratic-sum' as const,
    particleCount: perCell * sValues.length,
    learningRate: 1,
    curvatures: sValues.map((s) => twoPointCurvatures(0.5, s, 2)),
    batchSize: 1,
    seed: 99,
    stepsPerDispatch: STEPS_PER_DISPATCH,
  };
  const x0 = new Float32Array(spec.particleCount).fill(1);

  it('E x_T^2 grows exactly outside the mean-square region (T = 5, against the exact moments)', async () => {
    const T = 5;
    const result = await onGpu('diagram moments', (gpu) => runLandscape(gpu, spec, x0, T));
    sValues.forEach((s, cell) => {
      const { second, fourth } = multiplierMoments(spec.curvatures[cell]!, 1, 1, false);
      expect(second).toBeCloseTo(meanSquareGrowth({ learningRate: 1, sharpness: 0.5, nonUniformity: s, sampleCount: 2, batchSize: 1 }), 12);
      let empirical = 0;
      for (let p = cell * perCell; p < (cell + 1) * perCell; p++) empirical += Math.exp(2 * result.logGrowth[p]!) / perCell;
      // The mean of perCell i.i.d. x_T^2 has sd sqrt((E m^4)^T - (E m^2)^{2T}) / sqrt(perCell); 5 sd.
      const sd = Math.sqrt((fourth ** T - second ** (2 * T)) / perCell);
      expect(Math.abs(empirical - second ** T), `s = ${s}: empirical ${empirical}, exact ${second ** T}`).toBeLessThan(5 * sd);
      // Growing second moment iff mean-square unstable (s > sqrt(3/4) = 0.866).
      expect(empirical > 1, `s = ${s}`).toBe(s > Math.sqrt(0.75));
    });
  });

  it('the escape fraction switches on at the Lyapunov boundary, not the mean-square one (T = 400)', async () => {
    const T = 400;
    const result = await onGpu('diagram escape', (gpu) => runLandscape(gpu, spec, x0, T));
    sValues.forEach((s, cell) => {
      const curvatures = spec.curvatures[cell]!;
      const lambda = lyapunovExponent(curvatures, 1, 1, false).value;
      const logs = curvatures.map((a) => Math.log(Math.abs(1 - a)));
      const sigma = Math.abs(logs[0]! - logs[1]!) / 2; // sd of log|m| for two equally likely values
      const cellLogs = Array.from(result.logGrowth.subarray(cell * perCell, (cell + 1) * perCell));
      // log|x_T| = sum of T i.i.d. log|m_t|: its cell mean estimates T lambda within 5 sd = 5 sigma sqrt(T / perCell).
      const meanLog = cellLogs.reduce((a, b) => a + b, 0) / perCell;
      expect(Math.abs(meanLog - T * lambda), `s = ${s}`).toBeLessThan(5 * sigma * Math.sqrt(T / perCell));
      // Escaped = |x_T| > |x_0|. With |lambda| >= 0.08 the CLT puts P(escape) within 4 sd of 0 or 1 (z = lambda sqrt(T) / sigma > 3).
      const escaped = fraction(cellLogs, (v) => v > 0);
      if (lambda < 0) expect(escaped, `s = ${s}, lambda = ${lambda}`).toBeLessThan(0.02);
      else expect(escaped, `s = ${s}, lambda = ${lambda}`).toBeGreaterThan(0.98);
    });
    // s = 1.0 and 1.05 are mean-square unstable (previous test) yet almost no run escapes: lambda < 0.
    expect(lyapunovExponent(spec.curvatures[1]!, 1, 1, false).value).toBeLessThan(0);
    // The runs that escape overflow float32 (1.9^400), but logGrowth, a sum of logs, stays finite.
    expect(fraction(result.logGrowth, (v) => Number.isFinite(v))).toBe(1);
    expect(result.exitStep[spec.particleCount - 1]).toBeGreaterThan(0);
  });
});

describe('saddle avoidance (docs/science.md section 7): f = x^2/2 + y^4/4 - y^2/2', () => {
  const x0 = landscapeStartPoints(PARTICLES, [-1.5, -1.5], [1.5, 1.5], 17);
  const onManifold = (p: number) => p % 16 === 0; // starts with y0 = 0 exactly: the saddle's stable manifold
  for (let p = 0; p < PARTICLES; p++) if (onManifold(p)) x0[2 * p + 1] = 0;

  it.each([
    ['gd', 'constant', 0.2, 1e-3],
    ['adagrad', 'constant', 0.5, 1e-3],
    ['adanorm', 'constant', 0.5, 1e-3],
    ['adagrad-full', 'constant', 0.5, 1e-3],
    // alpha_t = alpha / sqrt(t + 1) slows the final approach (measured worst 0.06 after 1000 steps for
    // adanorm): closeness 0.1 still tells the minima (distance 1 from the saddle) apart.
    ['gd', 'inverse-sqrt', 0.5, 0.1],
    ['adagrad', 'inverse-sqrt', 0.5, 0.1],
    ['adanorm', 'inverse-sqrt', 0.5, 0.1],
    ['adagrad-full', 'inverse-sqrt', 0.5, 0.1],
  ] as const)('%s, %s: y0 != 0 reaches (0, +-1); y0 = 0 converges to the saddle', async (optimizer, schedule, learningRate, closeness) => {
    const result = await onGpu(`saddle ${optimizer}`, (gpu) =>
      runLandscape(gpu, { kind: 'strict-saddle', particleCount: PARTICLES, learningRate, optimizer, schedule, stepsPerDispatch: STEPS_PER_DISPATCH }, x0, 1000),
    );
    let toMinimum = 0;
    let toSaddle = 0;
    for (let p = 0; p < PARTICLES; p++) {
      const [x, y] = [result.positions[2 * p]!, result.positions[2 * p + 1]!];
      if (onManifold(p)) {
        // grad_y = y^3 - y is exactly 0 at y = 0, and every rule maps y = 0 to y = 0 exactly.
        toSaddle += y === 0 && Math.abs(x) < closeness ? 1 : 0;
      } else {
        // And the minimum is the one on the start's side: y never crosses the stable manifold y = 0 here.
        toMinimum += Math.hypot(x, y - Math.sign(x0[2 * p + 1]!)) < closeness ? 1 : 0;
      }
    }
    const manifoldCount = PARTICLES / 16;
    expect(toSaddle).toBe(manifoldCount);
    expect(toMinimum).toBe(PARTICLES - manifoldCount);
  });
});

describe("Perko's stable manifold (docs/science.md section 7): x1' = -x1, x2' = -x2 + x1^2, x3' = x3 + x1^2", () => {
  /**
   * Three groups of starts (c1, c2 uniform in [-1, 1]): c3 on the discrete scheme's stable manifold
   * c3 = -kappa(h) c1^2 (Euler: kappa = 1/(3 - h)), on Perko's continuous one c3 = -c1^2/3, and 0.1
   * off the discrete one. h = 0.01, T = 500 (t = 5): on-manifold runs decay like e^{-t} (|x_T| <=
   * 2 e^{-5} = 0.014) while the unstable direction amplifies any offset d by (1 + h)^T = 145. Float32
   * rounding (~1e-7) is amplified the same way, to ~1e-5: even the discrete manifold is invariant only
   * approximately in floating point, so "converges" means small at a finite T, not a limit.
   */
  it.each(['euler', 'rk4'] as const)('%s: starts on the manifold approach 0, others leave', async (integrator) => {
    const h = 0.01;
    const T = 500;
    const count = 3 * 1024;
    const kappa = perkoStableManifoldCoefficient(h, integrator);
    const x0 = landscapeStartPoints(count, [-1, -1, -1], [1, 1, 1], 23);
    const group = (p: number) => p % 3;
    for (let p = 0; p < count; p++) {
      const c1 = x0[3 * p]!;
      const sign = x0[3 * p + 2]! >= 0 ? 1 : -1;
      x0[3 * p + 2] = [-kappa * c1 * c1, (-c1 * c1) / 3, -kappa * c1 * c1 + 0.1 * sign][group(p)]!;
    }
    const result = await onGpu(`perko ${integrator}`, (gpu) =>
      runLandscape(gpu, { kind: 'perko', particleCount: count, learningRate: h, integrator, stepsPerDispatch: STEPS_PER_DISPATCH }, x0, T),
    );
    const norms = [0, 1, 2].map((g) => Array.from(result.value).filter((_, p) => group(p) === g));
    expect(Math.max(...norms[0]!)).toBeLessThan(0.03);
    // Perko's c3 = -c1^2/3 is off the Euler manifold by c1^2 h / (3 (3 - h)), amplified by 145:
    // <= 0.16 c1^2 at t = 5 (measured 0.15); RK4's manifold is within O(h^4) of Perko's.
    expect(Math.max(...norms[1]!)).toBeLessThan(integrator === 'euler' ? 0.2 : 0.03);
    expect(Math.min(...norms[2]!)).toBeGreaterThan(10);
  });
});
