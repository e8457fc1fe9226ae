/** float64 twins of the ReLU kernels. sigma'(0) := 0. */

export function reluForward(preActivation: ArrayLike<number>): { activation: Float64Array; mask: Float64Array } {
  const activation = new Float64Array(preActivation.length);
  const mask = new Float64Array(preActivation.length);
  for (let i = 0; i < preActivation.length; i++) {
    const z = preActivation[i]!;
    activation[i] = z > 0 ? z : 0;
    mask[i] = z > 0 ? 1 : 0;
  }
  return { activation, mask };
}

export function reluBackward(activationGrad: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const out = new Float64Array(activationGrad.length);
  for (let i = 0; i < out.length; i++) out[i] = activationGrad[i]! * mask[i]!;
  return out;
}
