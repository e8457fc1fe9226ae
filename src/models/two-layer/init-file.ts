/**
 * An explicit initialization: JSON {"a": [m numbers], "W": [m rows of d numbers], "b"?: [m numbers]},
 * so any run can be reproduced outside GradFlow. Errors name the file, the field and the position.
 */
import { ConfigError, shownValue } from '../../config/errors';
import type { NetworkParameters, TwoLayerWeights } from '../../core/network';
import type { Weights } from '../../core/simulation';

export function parseInitFile(text: string, width: number, inputDim: number, hasBias: boolean, path = 'init file'): TwoLayerWeights {
  const { a, W, b } = weightsFromJson(parseJson(text, path), width, inputDim, hasBias, path);
  return b ? { a: Float32Array.from(a), W: Float32Array.from(W), b: Float32Array.from(b) } : { a: Float32Array.from(a), W: Float32Array.from(W) };
}

/** The text as JSON, or a ConfigError naming the file. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
}

/**
 * The init-file object {"a", "W", "b"?} as float64 arrays (every digit kept), checked against the model's
 * width, input dimension and bias: a ConfigError lists each problem with its field and position.
 */
export function weightsFromJson(json: unknown, width: number, inputDim: number, hasBias: boolean, path: string): NetworkParameters<Float64Array> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError([`${path}: expected an object {"a": [...], "W": [[...], ...]}`]);
  const record = json as Record<string, unknown>;
  const problems: string[] = [];
  const vector = (key: string, length: number): Float64Array | undefined => {
    const value = record[key];
    if (!Array.isArray(value)) return void problems.push(`${path}: "${key}" must be an array of ${length} numbers`);
    if (value.length !== length) return void problems.push(`${path}: "${key}" has ${value.length} entries, the model has width ${length}`);
    const bad = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) return void problems.push(`${path}: "${key}"[${bad}] is ${shownValue(value[bad])}, expected a finite number`);
    return Float64Array.from(value as number[]);
  };
  const a = vector('a', width);
  const rows = record.W;
  let W: Float64Array | undefined;
  if (!Array.isArray(rows) || rows.length !== width) {
    problems.push(`${path}: "W" must be an array of ${width} rows (one per neuron), got ${Array.isArray(rows) ? rows.length : typeof rows}`);
  } else {
    W = new Float64Array(width * inputDim);
    rows.forEach((row, j) => {
      if (!Array.isArray(row) || row.length !== inputDim) return void problems.push(`${path}: "W"[${j}] must have ${inputDim} numbers (the input dimension)`);
      row.forEach((v, k) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${path}: "W"[${j}][${k}] is ${shownValue(v)}, expected a finite number`);
        else W![j * inputDim + k] = v;
      });
    });
  }
  const b = hasBias ? vector('b', width) : undefined;
  if (!hasBias && record.b !== undefined) problems.push(`${path}: "b" is given but model.bias is false`);
  for (const key of Object.keys(record)) if (!['a', 'W', 'b'].includes(key)) problems.push(`${path}: unknown field "${key}" (allowed: a, W, b)`);
  if (problems.length > 0) throw new ConfigError(problems.slice(0, 20));
  return b ? { a: a!, W: W!, b } : { a: a!, W: W! };
}

export interface JsonWeights {
  a: number[];
  W: number[][];
  b?: number[];
}

/** Weights in the init-file format, for `--save-params` and downloads (parseInitFile reads them back). */
export function weightsToJson(weights: Weights, inputDim: number): JsonWeights {
  const W = Array.from({ length: weights.a.length }, (_, j) => Array.from(weights.W.subarray(j * inputDim, (j + 1) * inputDim)));
  return { a: Array.from(weights.a), W, ...(weights.b ? { b: Array.from(weights.b) } : {}) };
}
