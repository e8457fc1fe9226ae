/**
 * The CSV files of `gradflow analyze`: matrices without a header (numpy.loadtxt(path, delimiter=',') reads
 * them as they are), tables with one header line (skiprows=1). Numbers in JavaScript's shortest round-trip
 * form, so a float64 value reads back bit for bit; NaN and infinities as NaN, Infinity, -Infinity.
 */

/** A row-major rows x columns matrix, one line per row. */
export function matrixCsv(values: ArrayLike<number>, rows: number, columns: number): string {
  if (values.length !== rows * columns) throw new RangeError(`matrixCsv: ${values.length} values for ${rows} x ${columns}`);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(Array.from({ length: columns }, (_, k) => String(values[i * columns + k]!)).join(','));
  return `${lines.join('\n')}\n`;
}

/** A table: the header, then one line per row of the equally long columns. */
export function tableCsv(header: readonly string[], columns: readonly ArrayLike<number>[]): string {
  const rowCount = columns[0]?.length ?? 0;
  if (header.length !== columns.length || columns.some((column) => column.length !== rowCount)) {
    throw new RangeError(`tableCsv: ${header.length} names for ${columns.length} columns of lengths ${columns.map((column) => column.length).join(', ')}`);
  }
  const lines = [header.join(',')];
  for (let r = 0; r < rowCount; r++) lines.push(columns.map((column) => String(column[r]!)).join(','));
  return `${lines.join('\n')}\n`;
}
