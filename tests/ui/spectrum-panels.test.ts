/** The analysis's spectra as chart panels: index against eigenvalue on a log axis, what a log axis cannot draw said. */
import { describe, expect, it } from 'vitest';
import type { ParameterAnalysis } from '../../src/app/parameter-analysis';
import { hessianSpectrumPanel, ntkSpectrumPanel } from '../../src/ui/spectrum-panels';

function analysis(ntk: Partial<ParameterAnalysis['ntk']>, hessian: Partial<ParameterAnalysis['hessian']>): ParameterAnalysis {
  return {
    step: 7,
    member: { index: 0, label: 'this run' },
    sampleCount: 3,
    ntk: { backend: 'float64', trainable: 'both', eigenvalues: Float64Array.of(4, 1, -1e-17), trace: 5, traceA: 3, traceW: 2, ...ntk },
    hessian: { method: 'lanczos', backend: 'float64', size: 9, eigenvalues: Float64Array.of(3, 0.5, -0.25), trace: 3.25, converged: true, products: 9, particleTimeFactor: 1, ...hessian },
    wallSeconds: 0.1,
  };
}

describe('spectrum panels', () => {
  it("draws K's positive eigenvalues against their index, and the parts' when both layers train; a K value <= 0 is counted in the note", () => {
    const panel = ntkSpectrumPanel(analysis({ eigenvaluesA: Float64Array.of(3, 0.5, 0.1), eigenvaluesW: Float64Array.of(2, 0.2, 0.01) }, {}));
    expect(panel).toMatchObject({ logY: true, logX: false, title: 'NTK Gram spectrum (3 x 3) at step 7' });
    expect(panel.series.map((series) => series.label)).toEqual(['K', 'K^(a), second layer', 'K^(w), first layer']);
    expect(panel.series[0]!.points).toEqual([{ x: 1, y: 4 }, { x: 2, y: 1 }]);
    expect(panel.note).toMatch(/^1 eigenvalue of K <= 0/);
    expect(ntkSpectrumPanel(analysis({ trainable: 'second' }, {})).series.map((series) => series.label)).toEqual(['K']);
  });

  it("draws the Hessian's negative eigenvalues as |lambda| in a series of their own, at their index", () => {
    const panel = hessianSpectrumPanel(analysis({}, {}));
    expect(panel.title).toBe('Hessian eigenvalues (top 3, Lanczos) at step 7');
    expect(panel.series.map((series) => [series.label, series.points])).toEqual([
      ['λ > 0', [{ x: 1, y: 3 }, { x: 2, y: 0.5 }]],
      ['|λ| of λ < 0', [{ x: 3, y: 0.25 }]],
    ]);
    const dense = hessianSpectrumPanel(analysis({}, { method: 'dense', eigenvalues: Float64Array.of(2, 1, 0) }));
    expect(dense.title).toBe('Hessian eigenvalues (all 3, dense) at step 7');
    expect(dense.series.map((series) => series.label)).toEqual(['λ > 0']);
    expect(dense.note).toMatch(/^1 eigenvalue exactly 0/);
  });
});
