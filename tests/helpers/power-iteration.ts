/**
 * The sharpness estimator GradFlow used before Lanczos, kept for the tests that show where it fails: power
 * iteration v <- (H - shift I) v / |...| from `start`, stopped at the first k >= 2 with |rho_k - rho_{k-1}| <=
 * tolerance |rho_k| (rho the Rayleigh quotient), rerun with shift = rho when the first estimate is negative.
 */
import type { LinearOperator } from '../../src/core/lanczos';

export function powerIterationSharpness(apply: LinearOperator, start: ArrayLike<number>, maxIterations: number, tolerance: number): { estimate: number; converged: boolean } {
  const run = (shift: number) => {
    let v = Float64Array.from(start);
    const norm = Math.hypot(...v);
    v = v.map((x) => x / norm);
    let previous = NaN;
    let rho = NaN;
    for (let k = 1; k <= maxIterations; k++) {
      const hv = apply(v);
      rho = v.reduce((sum, x, e) => sum + x * hv[e]!, 0);
      const w = hv.map((x, e) => x - shift * v[e]!);
      const wNorm = Math.hypot(...w);
      if (wNorm > 0) v = w.map((x) => x / wNorm);
      if (k >= 2 && Math.abs(rho - previous) <= tolerance * Math.abs(rho)) return { estimate: rho, converged: true };
      previous = rho;
    }
    return { estimate: rho, converged: false };
  };
  const first = run(0);
  return first.estimate >= 0 ? first : run(first.estimate);
}
