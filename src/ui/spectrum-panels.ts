/**
 * An analysis's spectra as panels <gradflow-summary-chart> draws (src/ui/summary-data.ts's XYPanel): eigenvalue
 * index i = 1, 2, ... (descending order) against lambda_i on a log axis. The NTK Gram is positive semi-definite,
 * so its values <= 0 are round-off and only counted in the note; the Hessian is indefinite, so its negative
 * eigenvalues are drawn as |lambda| in a series of their own. Pure functions.
 */
import type { ParameterAnalysis } from '../app/parameter-analysis';
import type { XYPanel, XYSeries } from './summary-data';

/** lambda_i against i = 1, 2, ...; only the values `keep` accepts, as `transform` maps them. */
function indexed(values: ArrayLike<number>, keep: (value: number) => boolean, transform: (value: number) => number = (value) => value): XYSeries['points'] {
  return Array.from(values, (value, i) => ({ x: i + 1, y: value })).filter((point) => keep(point.y)).map((point) => ({ x: point.x, y: transform(point.y) }));
}

const positive = (value: number) => value > 0;

/** The NTK spectrum: K's eigenvalues, and K^(a)'s and K^(w)'s when both layers train. */
export function ntkSpectrumPanel(analysis: ParameterAnalysis): XYPanel {
  const { ntk, sampleCount: n } = analysis;
  const parts: [string, ArrayLike<number> | undefined][] = [
    ['K', ntk.eigenvalues],
    ['K^(a), second layer', ntk.eigenvaluesA],
    ['K^(w), first layer', ntk.eigenvaluesW],
  ];
  const series = parts.flatMap(([label, values], group): XYSeries[] => (values ? [{ label, group, kind: 'points', points: indexed(values, positive) }] : []));
  const dropped = Array.from(ntk.eigenvalues).filter((value) => !positive(value)).length;
  return {
    kind: 'xy',
    id: 'analysis-ntk',
    xPath: '',
    title: `NTK Gram spectrum (${n} x ${n}) at step ${analysis.step}`,
    xLabel: 'eigenvalue index i',
    yLabel: 'λ_i',
    logX: false,
    logY: true,
    series,
    references: [],
    markers: [],
    note: dropped > 0 ? `${dropped} eigenvalue${dropped === 1 ? '' : 's'} of K <= 0 (round-off of a positive semi-definite K) not drawn on the log axis.` : '',
  };
}

/** The Hessian's eigenvalues found (all of them, dense; the top ones, Lanczos): lambda > 0, and |lambda| of the negative ones. */
export function hessianSpectrumPanel(analysis: ParameterAnalysis): XYPanel {
  const { hessian } = analysis;
  const values = hessian.eigenvalues;
  const zeros = Array.from(values).filter((value) => value === 0).length;
  const found = hessian.method === 'dense' ? `all ${values.length}, dense` : `top ${values.length}, Lanczos`;
  return {
    kind: 'xy',
    id: 'analysis-hessian',
    xPath: '',
    title: `Hessian eigenvalues (${found}) at step ${analysis.step}`,
    xLabel: 'eigenvalue index i',
    yLabel: '|λ_i|',
    logX: false,
    logY: true,
    series: ([
      { label: 'λ > 0', group: 0, kind: 'points', points: indexed(values, positive) },
      { label: '|λ| of λ < 0', group: 1, kind: 'points', points: indexed(values, (value) => value < 0, Math.abs) },
    ] satisfies XYSeries[]).filter((series) => series.points.length > 0),
    references: [],
    markers: [],
    note: zeros > 0 ? `${zeros} eigenvalue${zeros === 1 ? '' : 's'} exactly 0 not drawn on the log axis.` : '',
  };
}
