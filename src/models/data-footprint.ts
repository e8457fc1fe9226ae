/**
 * The data's share of a footprint (src/models/footprint.ts), from the data spec alone: the sizes that other
 * arrays multiply (samples n, test samples, inputs d), and the host arrays building the data allocates.
 */
import type { DataSpec } from '../data/spec';
import { DIGIT_PIXELS } from '../data/digits';
import { field, sized, type BufferEstimate, type SizeFactor } from './footprint';

/** The digits file's images (data/README.md); a subset of classes or a train part has fewer. */
const DIGIT_ROWS = 1797;

/**
 * n, the test set's size and d as config fields. A CSV file's shape is unknown until it is read: its sizes are
 * absent (the arrays they size count as one element each, so its estimate is a lower bound); a test file
 * (data.testPath) is present with one row for the same reason, so the test set's arrays are counted.
 */
export interface DataSizes {
  readonly samples?: SizeFactor;
  /** Absent without a test set. */
  readonly testSamples?: SizeFactor;
  readonly inputs?: SizeFactor;
}

export function dataSizes(spec: DataSpec): DataSizes {
  if (spec.kind === 'csv') return spec.testPath === undefined ? {} : { testSamples: { field: `${spec.testPath}'s rows (unknown until read)`, value: 1, setBy: [] } };
  if (spec.kind === 'digits') {
    // The whole file bounds both parts; the pixels per image are the format's.
    const rows: SizeFactor = { field: 'the digits file\'s rows', value: DIGIT_ROWS, setBy: [] };
    const inputs: SizeFactor = { field: 'pixels per digit', value: DIGIT_PIXELS, setBy: [] };
    return { samples: rows, inputs, ...(spec.testFraction > 0 ? { testSamples: rows } : {}) };
  }
  return {
    samples: field('data.sampleCount', spec.sampleCount),
    inputs: field('data.inputDim', spec.inputDim),
    ...(spec.testCount > 0 ? { testSamples: field('data.testCount', spec.testCount) } : {}),
  };
}

/**
 * Bytes per input entry while a synthetic set is drawn: the float64 draw (8), its projection onto the sphere
 * (8 more), and the float32 copy the set keeps (4), all alive at once.
 */
function drawBytes(spec: DataSpec): number {
  return 'inputs' in spec && spec.inputs === 'sphere' ? 20 : 12;
}

/** The host arrays of the train (and test) set: inputs X [n x d] and labels y [n], each drawn in float64 and kept as float32. */
export function dataBuffers(spec: DataSpec, sizes: DataSizes = dataSizes(spec)): BufferEstimate[] {
  const bytesPerElement = drawBytes(spec);
  const buffers = [
    sized('the train inputs X', 'host', [sizes.samples, sizes.inputs], { bytesPerElement }),
    sized('the train labels y', 'host', [sizes.samples], { bytesPerElement: 12 }),
  ];
  if (sizes.testSamples) {
    buffers.push(
      sized('the test inputs', 'host', [sizes.testSamples, sizes.inputs], { bytesPerElement }),
      sized('the test labels', 'host', [sizes.testSamples], { bytesPerElement: 12 }),
    );
  }
  if (spec.kind === 'teacher-student' && spec.teacher.kind === 'random') {
    buffers.push(sized('the teacher\'s neurons W*', 'host', [field('data.teacher.width', spec.teacher.width), sizes.inputs], { bytesPerElement: 12 }));
  }
  return buffers;
}
