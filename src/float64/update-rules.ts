/**
 * float64 twin of shaders/update-rules.wgsl.ts: the update rules as pure functions of numbers, one
 * implementation for every float64 model (src/float64/optim.ts, landscapes.ts, linear-logistic.ts).
 * Each is written from the rule's formula (docs/science.md sections 7 and 8), one fixed sequence of
 * float64 operations; AdaGrad's two forms (epsilon outside the root, delta0^2 inside it) stay two functions.
 */

/** theta - lr d: the descent step of every rule. */
export function descentStep(theta: number, learningRate: number, direction: number): number {
  return theta - learningRate * direction;
}

/** Heavy ball (and Nesterov's velocity): v <- beta v + u. */
export function heavyBall(beta: number, velocity: number, u: number): number {
  return beta * velocity + u;
}

/** Nesterov's direction u + beta v, v the velocity already updated. */
export function nesterovDirection(u: number, beta: number, velocity: number): number {
  return u + beta * velocity;
}

/** u / max(N, epsilon), N a loss or a norm. */
export function normalizedDirection(u: number, normalizer: number, epsilon: number): number {
  return u / Math.max(normalizer, epsilon);
}

/** G <- G + g^2: AdaGrad's accumulator (AdaGrad-Norm's sum one coordinate at a time). */
export function accumulateSquare(sum: number, g: number): number {
  return sum + g * g;
}

/** AdaGrad with epsilon outside the root: u / (sqrt(G) + epsilon). */
export function adagradDirection(u: number, sumSquares: number, epsilon: number): number {
  return u / (Math.sqrt(sumSquares) + epsilon);
}

/** b_t = sqrt(delta0^2 + sum_{s <= t} |g_s|^2): the denominator of AdaGrad-Norm and of delta0-AdaGrad. */
export function adaptiveNorm(delta0Squared: number, sum: number): number {
  return Math.sqrt(delta0Squared + sum);
}

/** AdaGrad-Norm's step size alpha / sqrt(delta0^2 + sum), the sum already updated. */
export function adaptiveStepSize(alpha: number, delta0Squared: number, sum: number): number {
  return alpha / adaptiveNorm(delta0Squared, sum);
}

/** AdaGrad with delta0^2 inside the root, the whole step: alpha g / sqrt(delta0^2 + G), G already updated. */
export function delta0AdagradStep(alpha: number, g: number, delta0Squared: number, sumSquares: number): number {
  return (alpha * g) / adaptiveNorm(delta0Squared, sumSquares);
}

/** Adam's first moment: m <- beta m + (1 - beta) u. */
export function movingAverage(beta: number, oneMinusBeta: number, average: number, u: number): number {
  return beta * average + oneMinusBeta * u;
}

/** Adam's second moment: v <- beta v + ((1 - beta) u) u. */
export function movingAverageOfSquare(beta: number, oneMinusBeta: number, average: number, u: number): number {
  return beta * average + oneMinusBeta * u * u;
}

/** Adam's direction (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon). */
export function adamDirection(m: number, v: number, biasCorrection1: number, biasCorrection2: number, epsilon: number): number {
  return m / biasCorrection1 / (Math.sqrt(v / biasCorrection2) + epsilon);
}
