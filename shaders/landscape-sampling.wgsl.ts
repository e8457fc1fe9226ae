/**
 * The minibatch draw of landscape_run: batch_key and next_batch_component, with or without
 * replacement, from the counter-based Threefry of shaders/random.wgsl.ts (whose rng_* functions the
 * kernel includes whenever it samples). The sampling rules are in shaders/landscapes.wgsl.ts's header.
 */
import { LANDSCAPE_STREAMS, type ComponentSampling } from '../src/core/landscape';

/**
 * The minibatch of particle p at step t, one component per call of next_batch_component (sampling
 * rules in the header of shaders/landscapes.wgsl.ts); cursor = (next index i to visit, components drawn so far), from (0, 0).
 */
export function samplingSnippet(sampling: ComponentSampling): string {
  if (sampling === 'full') return '';
  const select = /* wgsl */ `
  if (params.batch_size > 1u) {
    // Selection sampling: take i with probability needed / remaining (certain once they are equal).
    loop {
      let i = (*cursor).x;
      (*cursor).x = i + 1u;
      let needed = params.batch_size - (*cursor).y;
      let remaining = params.sample_count - i;
      if (needed == remaining || rng_uniform_below(remaining, key, i) < needed) {
        (*cursor).y += 1u;
        return i;
      }
    }
  }`;
  return /* wgsl */ `
fn batch_key(p: u32, t: u32) -> vec2u {
  return rng_threefry2x32(vec2u(params.seed, ${LANDSCAPE_STREAMS.batch}u), vec2u(p, t));
}
fn next_batch_component(key: vec2u, cursor: ptr<function, vec2u>) -> u32 {${sampling === 'without-replacement' ? select : ''}
  let k = (*cursor).y;
  (*cursor).y = k + 1u;
  return rng_index_below(rng_threefry2x32(key, vec2u(k, 0u)).x, params.sample_count);
}
`;
}
