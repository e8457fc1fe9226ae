/**
 * What an analysis produces: `analysis.json`'s object (scalars, vectors and spectra) and the matrices and
 * tables as CSV files, by file name. Vectors go in the JSON, matrices only in the CSV files.
 */

export interface AnalysisReport {
  /** analysis.json's content; it lists `files`. */
  readonly json: Record<string, unknown>;
  /** CSV file name -> text, written beside analysis.json. */
  readonly files: ReadonlyMap<string, string>;
}

/** JSON numbers cannot be NaN or Infinity: such values are written as strings, so nothing is silently lost. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : String(v)));
  return value;
}

/** analysis.json's text (typed arrays as JSON arrays, every digit kept). */
export function reportJson(report: AnalysisReport): string {
  return `${JSON.stringify(report.json, jsonValue, 2)}\n`;
}
