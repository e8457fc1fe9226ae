/**
 * The entropic plan of a Sinkhorn solve, from its potentials f [n], g [p] (src/float64/sinkhorn.ts):
 *   P_ij = exp((f_i + g_j - C_ij) / eps) / (n p),   C_ij = |x_i - y_j|^2,
 * streamed over (i, j) in float64 so that neither C nor P is stored: its largest entries (a binary min-heap
 * of `topCount`), its marginal errors, <P, C> and the primal entropic objective
 *   <P, C> + eps KL(P | a x b) = sum_ij P_ij (f_i + g_j)   (a = 1/n, b = 1/p; log(P_ij n p) = (f_i + g_j - C_ij) / eps),
 * which equals the dual objective <a, f> + <b, g> once the marginals are met. O(n p k) time, O(n + p + topCount) memory.
 */
import type { SparsePlan } from './exact-transport';

export interface EntropicPlan {
  /** The `topCount` largest entries of P, by decreasing mass. */
  readonly top: SparsePlan;
  /** Their total mass: 1 means the listed entries are the whole plan. */
  readonly topMass: number;
  /** sum_ij P_ij: 1 once the marginals are met. */
  readonly totalMass: number;
  /** sum_i |sum_j P_ij - 1/n| (the Sinkhorn solver's stopping quantity). */
  readonly rowMarginalError: number;
  /** sum_j |sum_i P_ij - 1/p| (zero, to rounding, right after a g update). */
  readonly columnMarginalError: number;
  /** <P, C>. */
  readonly transportCost: number;
  /** <P, C> + eps KL(P | a x b). */
  readonly primalObjective: number;
}

/** P's largest entries and diagnostics; see the module header. */
export function entropicPlan(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  dim: number,
  potentials: { readonly f: ArrayLike<number>; readonly g: ArrayLike<number> },
  epsilon: number,
  topCount: number,
): EntropicPlan {
  const { f, g } = potentials;
  const n = f.length;
  const p = g.length;
  if (x.length !== n * dim || y.length !== p * dim) throw new RangeError(`entropicPlan: ${n} and ${p} potentials for clouds of ${x.length / dim} and ${y.length / dim} points`);
  const heap = new TopEntries(Math.max(0, Math.min(topCount, n * p)));
  const columnSums = new Float64Array(p);
  let rowMarginalError = 0;
  let totalMass = 0;
  let transportCost = 0;
  let primalObjective = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < p; j++) {
      let cost = 0;
      for (let c = 0; c < dim; c++) cost += (x[i * dim + c]! - y[j * dim + c]!) ** 2;
      const mass = Math.exp((f[i]! + g[j]! - cost) / epsilon) / (n * p);
      rowSum += mass;
      columnSums[j] = columnSums[j]! + mass;
      transportCost += mass * cost;
      primalObjective += mass * (f[i]! + g[j]!);
      heap.offer(mass, i, j);
    }
    totalMass += rowSum;
    rowMarginalError += Math.abs(rowSum - 1 / n);
  }
  let columnMarginalError = 0;
  for (let j = 0; j < p; j++) columnMarginalError += Math.abs(columnSums[j]! - 1 / p);
  const top = heap.sorted();
  return { top, topMass: top.masses.reduce((sum, mass) => sum + mass, 0), totalMass, rowMarginalError, columnMarginalError, transportCost, primalObjective };
}

/** The `capacity` largest (mass, i, j) offered, in a binary min-heap on mass (the root is the smallest kept). */
class TopEntries {
  private readonly masses: Float64Array;
  private readonly rows: Int32Array;
  private readonly columns: Int32Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.masses = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
    this.columns = new Int32Array(capacity);
  }

  offer(mass: number, row: number, column: number): void {
    if (this.size < this.capacity) {
      this.set(this.size, mass, row, column);
      this.siftUp(this.size++);
    } else if (this.capacity > 0 && mass > this.masses[0]!) {
      this.set(0, mass, row, column);
      this.siftDown(0);
    }
  }

  /** The kept entries by decreasing mass (ties: by row, then column). */
  sorted(): SparsePlan {
    const order = Array.from({ length: this.size }, (_, t) => t).sort(
      (s, t) => this.masses[t]! - this.masses[s]! || this.rows[s]! - this.rows[t]! || this.columns[s]! - this.columns[t]!,
    );
    return {
      rows: Int32Array.from(order, (t) => this.rows[t]!),
      columns: Int32Array.from(order, (t) => this.columns[t]!),
      masses: Float64Array.from(order, (t) => this.masses[t]!),
    };
  }

  private set(slot: number, mass: number, row: number, column: number): void {
    this.masses[slot] = mass;
    this.rows[slot] = row;
    this.columns[slot] = column;
  }

  private swap(s: number, t: number): void {
    const [mass, row, column] = [this.masses[s]!, this.rows[s]!, this.columns[s]!];
    this.set(s, this.masses[t]!, this.rows[t]!, this.columns[t]!);
    this.set(t, mass, row, column);
  }

  private siftUp(slot: number): void {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (this.masses[parent]! <= this.masses[slot]!) return;
      this.swap(parent, slot);
      slot = parent;
    }
  }

  private siftDown(slot: number): void {
    for (;;) {
      const left = 2 * slot + 1;
      const right = left + 1;
      let smallest = slot;
      if (left < this.size && this.masses[left]! < this.masses[smallest]!) smallest = left;
      if (right < this.size && this.masses[right]! < this.masses[smallest]!) smallest = right;
      if (smallest === slot) return;
      this.swap(smallest, slot);
      slot = smallest;
    }
  }
}
