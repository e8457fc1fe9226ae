/** How many training inputs switch a neuron on: the activation count shown for a selected particle. */

/** Number of rows x_i of X [n x d] with w . x_i > 0 (the ReLU is active), or null without data. */
export function activationCount(w: ArrayLike<number>, X: Float32Array | undefined): number | null {
  if (!X) return null;
  const d = w.length;
  let count = 0;
  for (let i = 0; i + d <= X.length; i += d) {
    let z = 0;
    for (let k = 0; k < d; k++) z += w[k]! * X[i + k]!;
    if (z > 0) count += 1;
  }
  return count;
}
