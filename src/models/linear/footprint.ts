/**
 * The linear model's footprint from its config (the rule of src/models/footprint.ts): the data drawn on the
 * host, then the float64 copies problem.ts keeps (X scaled, and s_i = y_i x_i), the float32 upload of the
 * signed samples on a GPU run, and the logged rows; w and its velocity are d floats.
 */
import type { ExperimentConfig } from '../../config/schema';
import { dataBuffers, dataSizes } from '../data-footprint';
import { footprintOf, sized, type RunFootprint } from '../footprint';
import { runLogBuffers } from '../log-footprint';

export function linearFootprint(config: ExperimentConfig): RunFootprint {
  const model = config.model;
  if (model.kind !== 'linear') throw new TypeError(`linearFootprint: config.model.kind is '${model.kind}'`);
  const sizes = dataSizes(config.data);
  const gpu = config.backend === 'gpu';
  const samples = [sizes.samples, sizes.inputs];
  return footprintOf([
    ...dataBuffers(config.data, sizes),
    // X and s in float64, and on a GPU run the float32 copy of s made for the upload.
    sized('the scaled inputs and signed samples', 'host', samples, { bytesPerElement: gpu ? 20 : 16 }),
    ...(gpu ? [sized('the signed samples y_i x_i', 'gpu', samples)] : []),
    // Log-spaced rows: about pointsPerDecade per decade of t (counted, not listed: listing is what prepare does).
    ...runLogBuffers(config, false, model.logging === 'log' ? Math.ceil(model.pointsPerDecade * Math.log10(config.steps)) + 2 : undefined),
  ]);
}
