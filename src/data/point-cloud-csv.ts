/**
 * A point cloud as CSV: one point per line, its k coordinates separated by commas, with or without a header
 * line of column names (a first line of numbers is data, as numpy.savetxt writes it). The strict numeric
 * tokenizer of csv.ts reads it, so every problem is a DataFileError naming the file, line and column.
 */
import { readNumericCsv } from './csv';
import { DataFileError } from './errors';

export interface PointCloud {
  /** Points [count x dim], row-major. */
  readonly points: Float64Array;
  readonly count: number;
  readonly dim: number;
}

/** The points in `text` (file `path`). */
export function parsePointCloudCsv(text: string, path: string): PointCloud {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const fields = firstLine.split(',').map((field) => field.trim());
  const headerless = fields.every((field) => field !== '' && Number.isFinite(Number(field)));
  const anyHeader = () => {};
  if (!headerless) {
    const table = readNumericCsv(body, path, anyHeader);
    return { points: table.values, count: table.rowCount, dim: table.columnCount };
  }
  // No header: read under a made-up one, and report lines as they are in the file.
  const names = fields.map((_, c) => `column ${c + 1}`).join(',');
  try {
    const table = readNumericCsv(`${names}\n${body}`, path, anyHeader);
    return { points: table.values, count: table.rowCount, dim: table.columnCount };
  } catch (error) {
    if (error instanceof DataFileError) throw new DataFileError(path, error.line - 1, error.column, error.problem.replace(/^column \d+ /, ''));
    throw error;
  }
}
