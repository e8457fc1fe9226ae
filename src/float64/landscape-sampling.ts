/**
 * float64 twin of shaders/landscape-sampling.wgsl.ts: the minibatch of a particle at a step, from the
 * same integer-exact Threefry draws as the kernel, so GPU and twin see the same batches.
 */
import { LANDSCAPE_STREAMS, type ComponentSampling } from '../core/landscape';
import { indexBelow, threefry2x32, uniformBelow } from '../core/random';

/**
 * The minibatch of particle p at step t. With replacement (or B = 1): component k = index_below of
 * word 0 of threefry(key_pt, (k, 0)). Without replacement (B >= 2): selection sampling, i in [0, n)
 * taken with probability (B - taken) / (n - i) by uniformBelow(n - i, key_pt, i) < B - taken, which
 * gives every B-subset probability 1 / C(n, B); the batch lists the taken i in increasing order.
 */
export function batchComponents(seed: number, particle: number, step: number, sampleCount: number, batchSize: number, sampling: ComponentSampling): number[] {
  if (sampling === 'full') return Array.from({ length: sampleCount }, (_, i) => i);
  const key = threefry2x32(seed, LANDSCAPE_STREAMS.batch, particle, step);
  if (sampling === 'with-replacement' || batchSize === 1) {
    return Array.from({ length: batchSize }, (_, k) => indexBelow(threefry2x32(key[0], key[1], k, 0)[0], sampleCount));
  }
  const taken: number[] = [];
  for (let i = 0; taken.length < batchSize; i++) {
    if (uniformBelow(sampleCount - i, key, i) < batchSize - taken.length) taken.push(i);
  }
  return taken;
}
