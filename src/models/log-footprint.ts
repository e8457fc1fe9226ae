/**
 * The run log's share of a footprint (src/models/footprint.ts): every step's loss, kept for the result, and the
 * logged metric rows, both JavaScript arrays on the heap. A row is an object of about 64 bytes plus 24 per
 * value (measured in Node 20: 116 bytes for a row of step, loss and one metric).
 */
import type { ExperimentConfig } from '../config/schema';
import { sized, type BufferEstimate } from './footprint';

const ROW_BYTES = 64;
const VALUE_BYTES = 24;

/** `stepLosses`: the kind reports a loss per step; `rowCount`: the rows it logs (default one per metrics.every steps). */
export function runLogBuffers(config: ExperimentConfig, stepLosses: boolean, rowCount = Math.floor(config.steps / config.metrics.every) + 1): BufferEstimate[] {
  const rows = { field: 'steps / metrics.every', value: rowCount, setBy: ['steps'] };
  return [
    ...(stepLosses ? [sized('every step\'s loss', 'heap', [{ field: 'steps', value: config.steps }], { bytesPerElement: 8 })] : []),
    sized('the logged metric rows', 'heap', [rows], { bytesPerElement: ROW_BYTES + VALUE_BYTES * config.metrics.names.length }),
  ];
}
