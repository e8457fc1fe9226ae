/**
 * The common shape of every data source: X [n x d] row-major and y [n] in float32 (the layouts of
 * src/core/conventions.ts), with what the source knows about how the labels came about.
 */

/** 'regression': real targets for the square loss; 'sign': labels in {-1, +1} for any loss. */
export type LabelKind = 'regression' | 'sign';

/** x ~ N(0, I_d), or x uniform on the unit sphere S^{d-1}. */
export type InputDistribution = 'gaussian' | 'sphere';

/** A teacher network f*(x) = (1/M) sum_k a_k relu(w_k . x). */
export interface Teacher {
  /** Teacher neurons M. */
  readonly width: number;
  /** a* [M]. */
  readonly a: Float32Array;
  /** W* [M x d], row k = neuron k. */
  readonly W: Float32Array;
}

/** The function labels come from: a teacher network, or the circle-neuron mean E_b relu(b . x) = |(x1, x2)| / pi. */
export type TargetFunction = { readonly kind: 'teacher'; readonly teacher: Teacher } | { readonly kind: 'circle' };

export interface Dataset {
  /** X [n x d], row i = sample i. */
  readonly X: Float32Array;
  /** y [n]. */
  readonly y: Float32Array;
  /** n. */
  readonly sampleCount: number;
  /** d. */
  readonly inputDim: number;
  readonly labelKind: LabelKind;
  /** One line saying what the set is, for the page and the logs. */
  readonly description: string;
  /** Teacher-student sets: the target the labels came from (before label noise). */
  readonly target?: TargetFunction;
  /** Linearly separable sets: the unit direction u with y_i u . x_i >= margin. */
  readonly direction?: Float32Array;
  /** Sets with flipped labels: the labels before flipping. */
  readonly cleanLabels?: Float32Array;
  /** Sets with flipped labels: the flipped samples, ascending. */
  readonly flippedIndices?: Uint32Array;
  /** File sets: the data row (0-based, header excluded) each sample came from. */
  readonly sourceRows?: Uint32Array;
}

/** A training set and, when asked for, a test set from the same distribution (or the held-out rows of a file). */
export interface DatasetSplit {
  readonly train: Dataset;
  readonly test?: Dataset;
}

/** Which part a synthetic sample belongs to. Its stream step: train 0, test 1, so the parts never share draws. */
export type DataPart = 'train' | 'test';

export function partStep(part: DataPart): number {
  return part === 'train' ? 0 : 1;
}

/**
 * The online (population-risk) source: every step draws a fresh batch of B inputs and labels them
 * with the target, plus optional Gaussian label noise of standard deviation labelNoiseStd.
 */
export interface OnlineSpec {
  readonly seed: number;
  /** B: fresh samples per step. */
  readonly batchSize: number;
  readonly inputDim: number;
  readonly inputs: InputDistribution;
  readonly target: TargetFunction;
  readonly labelNoiseStd: number;
}

/** Assembles a Dataset, checking the shapes agree. */
export function makeDataset(fields: Omit<Dataset, 'sampleCount'>): Dataset {
  const sampleCount = fields.y.length;
  if (fields.X.length !== sampleCount * fields.inputDim) {
    throw new RangeError(`dataset: X has ${fields.X.length} values, expected ${sampleCount} x ${fields.inputDim}`);
  }
  return { ...fields, sampleCount };
}

/**
 * The rows `rows` of a data set, in that order (file sets: a class subset, a train or test part).
 * Per-sample extras are re-indexed; the flip record, which names sample indices, is not carried.
 */
export function selectRows(data: Dataset, rows: ArrayLike<number>, description = data.description): Dataset {
  const d = data.inputDim;
  const X = new Float32Array(rows.length * d);
  const y = new Float32Array(rows.length);
  const sourceRows = data.sourceRows ? new Uint32Array(rows.length) : undefined;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    X.set(data.X.subarray(i * d, (i + 1) * d), r * d);
    y[r] = data.y[i]!;
    if (sourceRows) sourceRows[r] = data.sourceRows![i]!;
  }
  const { cleanLabels: _clean, flippedIndices: _flipped, sampleCount: _n, ...kept } = data;
  return makeDataset({ ...kept, X, y, description, ...(sourceRows ? { sourceRows } : {}) });
}
