/**
 * analyzeTransport: the entropic plan against its dense definition, Sinkhorn approaching the exact W2^2 as
 * eps -> 0, sliced = exact in one dimension, and the GPU paths against float64.
 */
import { describe, expect, it } from 'vitest';
import { entropicPlan } from '../../src/metrics/entropic-plan';
import { analyzeTransport, type SinkhornTransportAnalysis, type SlicedTransportAnalysis, type ExactTransportAnalysis } from '../../src/metrics/transport-analysis';
import { sinkhorn } from '../../src/float64/sinkhorn';
import { onGpu } from '../helpers/gpu';
import { testValues } from '../helpers/tolerance';

const n = 9;
const p = 6;
const dim = 2;
const x = Float64Array.from(testValues(n * dim, 11));
const y = Float64Array.from(testValues(p * dim, 12), (v) => 0.8 * v + 0.4);

describe('entropicPlan', () => {
  it('lists P_ij = exp((f_i + g_j - C_ij) / eps) / (n p) by decreasing mass, with its marginals and objectives', () => {
    const epsilon = 0.05;
    const solved = sinkhorn(x, y, dim, { epsilon, tolerance: 1e-12, maxIterations: 100_000 });
    const plan = entropicPlan(x, y, dim, solved, epsilon, n * p);
    // The dense plan, from the definition.
    const dense: { i: number; j: number; mass: number; cost: number }[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const cost = (x[i * 2]! - y[j * 2]!) ** 2 + (x[i * 2 + 1]! - y[j * 2 + 1]!) ** 2;
        dense.push({ i, j, cost, mass: Math.exp((solved.f[i]! + solved.g[j]! - cost) / epsilon) / (n * p) });
      }
    }
    dense.sort((s, t) => t.mass - s.mass);
    expect(Array.from(plan.top.masses)).toEqual(dense.map((entry) => entry.mass));
    expect(Array.from(plan.top.rows)).toEqual(dense.map((entry) => entry.i));
    expect(plan.topMass).toBeCloseTo(1, 10);
    expect(plan.rowMarginalError).toBeLessThan(1e-10);
    expect(plan.columnMarginalError).toBeLessThan(1e-12);
    expect(plan.transportCost).toBeCloseTo(dense.reduce((sum, entry) => sum + entry.mass * entry.cost, 0), 13);
    // Converged: the primal objective <P, C> + eps KL equals the dual <a, f> + <b, g>.
    expect(plan.primalObjective).toBeCloseTo(solved.dualObjective, 9);
    const top3 = entropicPlan(x, y, dim, solved, epsilon, 3);
    expect(Array.from(top3.top.masses)).toEqual(dense.slice(0, 3).map((entry) => entry.mass));
  });
});

describe('analyzeTransport', () => {
  it('sinkhorn approaches the exact W2^2 from above as eps -> 0, within eps log(min(n, p))', async () => {
    const exact = (await analyzeTransport(x, y, dim, { method: 'exact' })) as ExactTransportAnalysis;
    expect(exact.rowMarginalError).toBeLessThan(1e-14);
    const gaps: number[] = [];
    // Sinkhorn slows down like exp(C / eps) near a degenerate plan: the cap is raised so that eps = 0.01 converges.
    for (const epsilon of [0.1, 0.03, 0.01]) {
      const result = (await analyzeTransport(x, y, dim, { method: 'sinkhorn', epsilon, maxIterations: 100_000 })) as SinkhornTransportAnalysis;
      expect(result.converged, `eps ${epsilon}`).toBe(true);
      const gap = result.transportCost - exact.w2Squared;
      // The plan's marginals are met to 1e-6 (the default tolerance): its cost can dip below W2^2 by about that times max C.
      expect(gap, `eps ${epsilon}`).toBeGreaterThan(-1e-5);
      expect(gap, `eps ${epsilon}`).toBeLessThanOrEqual(epsilon * Math.log(Math.min(n, p)) + 1e-5);
      expect(result.dualObjective).toBeCloseTo(result.primalObjective, 5);
      gaps.push(Math.abs(gap));
    }
    expect(gaps[2]).toBeLessThan(gaps[0]!);
    expect(gaps[2]).toBeLessThan(1e-4);
  });

  it('sliced W2^2 equals the exact W2^2 in one dimension (every direction is +-1)', async () => {
    const line = Float64Array.from(testValues(8, 21));
    const other = Float64Array.from(testValues(12, 22), (v) => v * v);
    const exact = (await analyzeTransport(line, other, 1, { method: 'exact' })) as ExactTransportAnalysis;
    const sliced = (await analyzeTransport(line, other, 1, { method: 'sliced', directionCount: 5 })) as SlicedTransportAnalysis;
    expect(sliced.slicedW2Squared).toBeCloseTo(exact.w2Squared, 12);
    expect(sliced.perDirection).toHaveLength(5);
  });

  it('runs Sinkhorn and sliced W2 on the GPU (float32) close to float64', async () => {
    await onGpu('transport-analysis', async (gpu) => {
      const epsilon = 0.02;
      const f64 = (await analyzeTransport(x, y, dim, { method: 'sinkhorn', epsilon, tolerance: 1e-5 })) as SinkhornTransportAnalysis;
      const f32 = (await analyzeTransport(x, y, dim, { method: 'sinkhorn', epsilon, gpu })) as SinkhornTransportAnalysis;
      expect(f32.backend).toMatch(/^gpu/);
      expect(f32.converged).toBe(true);
      // Both meet the marginals to <= 1e-4 (the GPU's default tolerance); costs are O(1), float32 potentials add ~1e-6.
      expect(Math.abs(f32.transportCost - f64.transportCost)).toBeLessThan(1e-3);
      expect(f32.plan.masses.length).toBe(n + p);
      const slicedCpu = (await analyzeTransport(x, y, dim, { method: 'sliced', directionCount: 16, seed: 3 })) as SlicedTransportAnalysis;
      const slicedGpu = (await analyzeTransport(x, y, dim, { method: 'sliced', directionCount: 16, seed: 3, gpu })) as SlicedTransportAnalysis;
      // Same directions; float32 projections of O(1) values: 1e-5 relative covers the rounding.
      expect(slicedGpu.slicedW2Squared).toBeCloseTo(slicedCpu.slicedW2Squared, 5);
    });
  });
});
