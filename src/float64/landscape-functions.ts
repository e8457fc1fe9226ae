/**
 * float64 twins of shaders/landscape-functions.wgsl.ts, written from docs/science.md section 4: the
 * escape components, the strict saddle's f and gradient, Perko's field and its Euler / RK4 steps, and
 * the discrete scheme's stable-manifold coefficient.
 */

/** f_i = min(x^2, c_i (x - 1)^2) of the escape example, and its derivative (a tie takes x^2). */
export function escapeComponent(x: number, coefficient: number): { value: number; gradient: number } {
  const d = x - 1;
  return x * x <= coefficient * d * d ? { value: x * x, gradient: 2 * x } : { value: coefficient * d * d, gradient: 2 * coefficient * d };
}

export function strictSaddleValue(x: ArrayLike<number>): number {
  const y2 = x[1]! * x[1]!;
  return 0.5 * x[0]! * x[0]! + 0.25 * y2 * y2 - 0.5 * y2;
}

export function strictSaddleGradient(x: ArrayLike<number>): [number, number] {
  return [x[0]!, x[1]! ** 3 - x[1]!];
}

/** Perko's field v(x) = (-x1, -x2 + x1^2, x3 + x1^2). */
export function perkoField(x: ArrayLike<number>): [number, number, number] {
  const square = x[0]! * x[0]!;
  return [-x[0]!, -x[1]! + square, x[2]! + square];
}

/** One Euler (x + h v) or classical RK4 step of Perko's field. */
export function perkoStep(x: ArrayLike<number>, h: number, integrator: 'euler' | 'rk4'): [number, number, number] {
  const at = (base: ArrayLike<number>, scale: number, v: readonly number[]) => [0, 1, 2].map((c) => base[c]! + scale * v[c]!);
  const k1 = perkoField(x);
  if (integrator === 'euler') return at(x, h, k1) as [number, number, number];
  const k2 = perkoField(at(x, h / 2, k1));
  const k3 = perkoField(at(x, h / 2, k2));
  const k4 = perkoField(at(x, h, k3));
  return [0, 1, 2].map((c) => x[c]! + (h / 6) * (k1[c]! + 2 * k2[c]! + 2 * k3[c]! + k4[c]!)) as [number, number, number];
}

/**
 * kappa(h) of the discrete scheme's stable manifold c3 = -kappa c1^2 (any c2). x1 evolves linearly,
 * x1 <- r x1, and x3 <- R x3 + q x1^2 (x2 never feeds back), so x3_t = R^t (c3 + c1^2 sum_s q r^{2s} R^{-s-1})
 * stays bounded iff c3 = -q c1^2 / (R - r^2). r, R, q come from one step of the scheme itself:
 * Euler gives r = 1 - h, R = 1 + h, q = h, so kappa = 1 / (3 - h); h -> 0 recovers Perko's c3 = -c1^2/3.
 */
export function perkoStableManifoldCoefficient(h: number, integrator: 'euler' | 'rk4'): number {
  const r = perkoStep([1, 0, 0], h, integrator)[0];
  const q = perkoStep([1, 0, 0], h, integrator)[2];
  const growth = perkoStep([0, 0, 1], h, integrator)[2];
  return q / (growth - r * r);
}
