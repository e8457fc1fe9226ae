/**
 * A landscape run's footprint from its config (the rule of src/models/footprint.ts): P particles of k coordinates
 * and s optimizer accumulators each. The start points are drawn in float64 and kept as float32; a GPU run holds
 * positions, statistics and state on the device and reads them back to log; the float64 twin keeps one
 * JavaScript object per particle (about 560 bytes on Node 20's heap, measured at k = 2) besides its arrays.
 */
import type { ExperimentConfig } from '../../config/schema';
import { LANDSCAPE_STAT_COUNT, landscapeDimOf, optimizerStateSize } from '../../core/landscape';
import { field, footprintOf, sized, type RunFootprint, type SizeFactor } from '../footprint';
import { runLogBuffers } from '../log-footprint';

const PARTICLE_OBJECT_BYTES = 560;

export function landscapeFootprint(config: ExperimentConfig): RunFootprint {
  const model = config.model;
  if (model.kind !== 'landscape') throw new TypeError(`landscapeFootprint: config.model.kind is '${model.kind}'`);
  const spec = model.spec;
  const k = landscapeDimOf(spec);
  const stateSize = optimizerStateSize(spec.optimizer, k);
  const particles = field('model.spec.particleCount', spec.particleCount);
  const coordinates: SizeFactor = { field: 'coordinates', value: k, setBy: [] };
  const state: SizeFactor = { field: `${spec.optimizer} accumulators per particle`, value: stateSize, setBy: ['model.spec.optimizer'] };
  const gpu = config.backend === 'gpu';
  // Positions, statistics and accumulators, read back to log (as float32, summed in float64) or snapshot by the twin.
  const snapshot = (bytesPerElement: number, copies: number) => [
    sized('the positions read back', 'host', [particles, coordinates], { bytesPerElement, copies }),
    sized('the statistics read back', 'host', [particles], { scale: LANDSCAPE_STAT_COUNT, bytesPerElement, copies }),
    ...(stateSize > 0 ? [sized('the accumulators read back', 'host', [particles, state], { bytesPerElement, copies })] : []),
  ];
  return footprintOf([
    sized('the start points', 'host', [particles, coordinates], { bytesPerElement: 12 }),
    ...(gpu
      ? [
          sized('the particle positions', 'gpu', [particles, coordinates]),
          sized('the particle statistics', 'gpu', [particles], { scale: LANDSCAPE_STAT_COUNT }),
          ...(stateSize > 0 ? [sized('the optimizer accumulators', 'gpu', [particles, state])] : []),
          ...snapshot(12, 1),
        ]
      : [
          sized('the float64 particles', 'heap', [particles], { bytesPerElement: PARTICLE_OBJECT_BYTES + 8 * (k + stateSize) }),
          ...snapshot(8, 2),
        ]),
    ...runLogBuffers(config, false),
  ]);
}
