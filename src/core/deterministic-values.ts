/** Deterministic values in [-1, 1) from a tiny LCG: inputs for tests and benches (not the project RNG under test). */
export function deterministicValues(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
