/**
 * XOR cluster data (docs/science.md section 8: benign overfitting and grokking): four clusters centred at
 * (s1 mu, s2 mu, 0, ..., 0), s1, s2 in {-1, +1}, label y = s1 s2, x = centre + sigma z with z ~ N(0, I_d)
 * or uniform on the unit sphere. Clusters are balanced (a keyed permutation of the `dataLabels` stream);
 * then exactly round(flipFraction * n) labels are flipped.
 */
import { RANDOM_STREAMS } from '../core/conventions';
import { sampleInputs } from './sampling';
import { partStep, type DataPart, type Dataset } from '../core/dataset';
import { balancedClasses, signDataset } from './labels';
import type { XorDataSpec } from './spec';

/** Signs (s1, s2) of cluster c in 0..3: bit 0 flips s1, bit 1 flips s2. */
export function xorClusterSigns(cluster: number): [number, number] {
  return [cluster & 1 ? -1 : 1, cluster & 2 ? -1 : 1];
}

export function xorDataset(spec: XorDataSpec, part: DataPart = 'train'): Dataset {
  const { seed, inputDim: d, clusterMean: mu, noiseStd: sigma } = spec;
  const n = part === 'train' ? spec.sampleCount : spec.testCount;
  const step = partStep(part);
  const clusters = balancedClasses(seed, step, n, 4);
  const noise = sampleInputs(seed, RANDOM_STREAMS.data, step, { count: n }, d, spec.inputs);
  const X = new Float32Array(n * d);
  const clean = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [s1, s2] = xorClusterSigns(clusters[i]!);
    for (let c = 0; c < d; c++) X[i * d + c] = sigma * noise[i * d + c]!;
    X[i * d] = s1 * mu + sigma * noise[i * d]!;
    X[i * d + 1] = s2 * mu + sigma * noise[i * d + 1]!;
    clean[i] = s1 * s2;
  }
  return signDataset(spec, step, { X, clean, description: `XOR ${part} set: ${n} samples in d = ${d}, clusters at (+-${mu}, +-${mu}), ${spec.inputs} noise of scale ${sigma}` });
}
