/**
 * The linear assignment problem min_sigma sum_i C[i, sigma(i)] over permutations of n, in float64,
 * by the Hungarian method with potentials and shortest augmenting paths (Kuhn 1955, Munkres 1957,
 * in the O(n^3) form of Jonker and Volgenant 1987 / Tomizawa 1971): rows are inserted one at a
 * time, each by a Dijkstra-like search over reduced costs C_ij - u_i - v_j >= 0.
 * Time O(n^3), memory O(n) besides C.
 */

export interface Assignment {
  /** columnOfRow[i] = sigma(i). */
  readonly columnOfRow: Int32Array;
  /** sum_i C[i, sigma(i)], the optimal total. */
  readonly totalCost: number;
}

/** Solves the n x n assignment problem for the row-major cost matrix `cost` [n x n] (finite entries). */
export function solveAssignment(cost: ArrayLike<number>, n: number): Assignment {
  if (!Number.isInteger(n) || n < 1 || cost.length !== n * n) {
    throw new RangeError(`solveAssignment: cost has ${cost.length} entries, expected n x n for n = ${n} >= 1`);
  }
  // 1-based arrays; column 0 is a virtual column holding the row being inserted.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOfColumn = new Int32Array(n + 1);
  const previousColumn = new Int32Array(n + 1);
  const slack = new Float64Array(n + 1);
  const visited = new Uint8Array(n + 1);
  for (let row = 1; row <= n; row++) {
    rowOfColumn[0] = row;
    let column = 0;
    slack.fill(Infinity);
    visited.fill(0);
    // Grow a shortest-path tree of alternating paths until it reaches a free column.
    do {
      visited[column] = 1;
      const i = rowOfColumn[column]!;
      let delta = Infinity;
      let next = 0;
      for (let j = 1; j <= n; j++) {
        if (visited[j]) continue;
        const reduced = cost[(i - 1) * n + (j - 1)]! - u[i]! - v[j]!;
        if (reduced < slack[j]!) {
          slack[j] = reduced;
          previousColumn[j] = column;
        }
        if (slack[j]! < delta) {
          delta = slack[j]!;
          next = j;
        }
      }
      // Raise the potentials of the tree by delta: reduced costs stay >= 0 and one more edge becomes tight.
      for (let j = 0; j <= n; j++) {
        if (visited[j]) {
          u[rowOfColumn[j]!]! += delta;
          v[j]! -= delta;
        } else {
          slack[j]! -= delta;
        }
      }
      column = next;
    } while (rowOfColumn[column] !== 0);
    // Augment: shift the assignment along the path back to the virtual column.
    do {
      const previous = previousColumn[column]!;
      rowOfColumn[column] = rowOfColumn[previous]!;
      column = previous;
    } while (column !== 0);
  }
  const columnOfRow = new Int32Array(n);
  let totalCost = 0;
  for (let j = 1; j <= n; j++) {
    const i = rowOfColumn[j]! - 1;
    columnOfRow[i] = j - 1;
    totalCost += cost[i * n + (j - 1)]!;
  }
  return { columnOfRow, totalCost };
}
