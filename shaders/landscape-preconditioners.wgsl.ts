/**
 * The optimizers of landscape_run in WGSL: the preconditioned step d = Gamma_t g of each
 * LandscapeOptimizer, and full-matrix AdaGrad's G^{-1/2} g (closed form for k = 2, cyclic Jacobi above).
 */
import type { LandscapeOptimizer } from '../src/core/landscape';

/** Cyclic Jacobi sweeps of the full-matrix AdaGrad eigen-solve (k <= 8: quadratic convergence is done by 6). */
export const JACOBI_SWEEPS = 8;

/** G^{-1/2} g for G = delta0^2 I + acc (full-matrix AdaGrad), k >= 2. */
export function inverseSqrtSnippet(k: number): string {
  if (k === 2) {
    // sqrt(G) = (G + s I) / t with s = sqrt(det G), t = sqrt(tr G + 2 s); so
    // G^{-1/2} = adj(G + s I) / (t s) = [[c + s, -b], [-b, a + s]] / (t s). det G >= delta0^4.
    return /* wgsl */ `
fn inverse_sqrt_times(acc: array<f32, 4>, g: Point) -> Point {
  let a = acc[0] + params.delta0_squared;
  let b = acc[1];
  let c = acc[3] + params.delta0_squared;
  let s = sqrt(max(a * c - b * b, params.delta0_squared * params.delta0_squared));
  let scale = 1.0 / (sqrt(a + c + 2.0 * s) * s);
  return Point(((c + s) * g[0] - b * g[1]) * scale, (-b * g[0] + (a + s) * g[1]) * scale);
}
`;
  }
  const kk = k * k;
  // Cyclic Jacobi (Golub and Van Loan, sym.schur2): A <- J^T A J zeroes A_pq, V <- V J; then
  // G^{-1/2} g = V diag(lambda)^{-1/2} V^T g, lambda clamped to >= delta0^2 (true in exact arithmetic).
  return /* wgsl */ `
fn inverse_sqrt_times(acc: array<f32, ${kk}>, g_in: Point) -> Point {
  var a = acc;
  var v: array<f32, ${kk}>;
  var g = g_in;
  for (var i = 0u; i < ${k}u; i++) {
    a[i * ${k}u + i] += params.delta0_squared;
    v[i * ${k}u + i] = 1.0;
  }
  for (var sweep = 0u; sweep < ${JACOBI_SWEEPS}u; sweep++) {
    for (var p = 0u; p < ${k - 1}u; p++) {
      for (var q = p + 1u; q < ${k}u; q++) {
        let apq = a[p * ${k}u + q];
        let app = a[p * ${k}u + p];
        let aqq = a[q * ${k}u + q];
        if (abs(apq) <= 6e-8 * sqrt(abs(app * aqq))) { continue; }
        let tau = (aqq - app) / (2.0 * apq);
        let root = select(abs(tau) + sqrt(tau * tau + 1.0), 2.0 * abs(tau), abs(tau) > 1e18);
        let tangent = select(-1.0, 1.0, tau >= 0.0) / root;
        let cosine = 1.0 / sqrt(tangent * tangent + 1.0);
        let sine = tangent * cosine;
        for (var r = 0u; r < ${k}u; r++) {
          let arp = a[r * ${k}u + p];
          let arq = a[r * ${k}u + q];
          a[r * ${k}u + p] = cosine * arp - sine * arq;
          a[r * ${k}u + q] = sine * arp + cosine * arq;
          let vrp = v[r * ${k}u + p];
          let vrq = v[r * ${k}u + q];
          v[r * ${k}u + p] = cosine * vrp - sine * vrq;
          v[r * ${k}u + q] = sine * vrp + cosine * vrq;
        }
        for (var r = 0u; r < ${k}u; r++) {
          let apr = a[p * ${k}u + r];
          let aqr = a[q * ${k}u + r];
          a[p * ${k}u + r] = cosine * apr - sine * aqr;
          a[q * ${k}u + r] = sine * apr + cosine * aqr;
        }
      }
    }
  }
  var w: Point;
  for (var i = 0u; i < ${k}u; i++) {
    var projection = 0.0;
    for (var r = 0u; r < ${k}u; r++) { projection += v[r * ${k}u + i] * g[r]; }
    w[i] = projection / sqrt(max(a[i * ${k}u + i], params.delta0_squared));
  }
  var out: Point;
  for (var r = 0u; r < ${k}u; r++) {
    var sum = 0.0;
    for (var i = 0u; i < ${k}u; i++) { sum += v[r * ${k}u + i] * w[i]; }
    out[r] = sum;
  }
  return out;
}
`;
}

/**
 * The preconditioned step d = Gamma_t g (docs/science.md section 7), with the accumulators updated first
 * (AdaGrad's sums run over s <= t), from the shared rule_* functions of shaders/update-rules.wgsl.ts
 * (delta0^2 inside the root, unlike optim's epsilon-outside AdaGrad). WGSL text inside the step loop;
 * `alpha`, `g`, `acc` are in scope.
 */
export function preconditionBody(optimizer: LandscapeOptimizer, k: number): string {
  const loop = (body: string) => `for (var c = 0u; c < ${k}u; c++) { ${body} }`;
  switch (optimizer) {
    case 'gd':
      return `var d = g;\n      ${loop('d[c] = alpha * g[c];')}`;
    case 'adagrad':
      return `var d = g;\n      ${loop('acc[c] = rule_accumulate_square(acc[c], g[c]); d[c] = rule_delta0_adagrad_step(alpha, g[c], params.delta0_squared, acc[c]);')}`;
    case 'adanorm':
      return `var d = g;\n      ${loop('acc[0] = rule_accumulate_square(acc[0], g[c]);')}\n      let scale = rule_adaptive_step_size(alpha, params.delta0_squared, acc[0]);\n      ${loop('d[c] = scale * g[c];')}`;
    case 'adagrad-full':
      if (k === 1) return `var d = g;\n      acc[0] = rule_accumulate_square(acc[0], g[0]);\n      d[0] = rule_delta0_adagrad_step(alpha, g[0], params.delta0_squared, acc[0]);`;
      return `for (var i = 0u; i < ${k}u; i++) { for (var j = 0u; j < ${k}u; j++) { acc[i * ${k}u + j] += g[i] * g[j]; } }
      var d = inverse_sqrt_times(acc, g);
      ${loop('d[c] = alpha * d[c];')}`;
  }
}
