/** Errors of the data sources. Each message says where the problem is and how to fix it. */

/** A data file (or text) is malformed: the message names the file, the line and the column (both 1-based). */
export class DataFileError extends Error {
  override name = 'DataFileError';
  constructor(
    readonly path: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${path}: line ${line}, column ${column}: ${problem}`);
  }
}

/** A data spec is invalid or cannot be realised (say, a margin no input distribution can meet). */
export class DataSpecError extends Error {
  override name = 'DataSpecError';
}
