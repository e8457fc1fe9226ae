/** float64 twin of the sort family: each row sorted ascending by Array.prototype.sort (independent of the bitonic network). */

/** Sorts each of `rowCount` rows of `values` ([rows x length], row-major) ascending. */
export function sortRows(values: ArrayLike<number>, rowCount = 1, length = values.length): Float64Array {
  if (values.length !== rowCount * length) {
    throw new RangeError(`sortRows: ${values.length} values, expected rowCount ${rowCount} x length ${length}`);
  }
  const sorted = Float64Array.from(values);
  // Typed-array sort compares numerically (not as strings).
  for (let row = 0; row < rowCount; row++) sorted.subarray(row * length, (row + 1) * length).sort();
  return sorted;
}
