/** Least-squares slope of log y against log x: the exponent of a power law y ~ x^slope (NaN with < 2 distinct x). */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((sum, v) => sum + v, 0) / lx.length;
  const my = ly.reduce((sum, v) => sum + v, 0) / ly.length;
  let covariance = 0;
  let variance = 0;
  lx.forEach((x, i) => {
    covariance += (x - mx) * (ly[i]! - my);
    variance += (x - mx) ** 2;
  });
  return variance > 0 ? covariance / variance : NaN;
}
