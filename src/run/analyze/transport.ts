/**
 * `gradflow analyze w2 A.csv B.csv`: optimal transport between two uniform point clouds
 * (src/metrics/transport-analysis.ts), as analysis.json and plan.csv.
 */
import { ConfigError } from '../../config/errors';
import type { PointCloud } from '../../data/point-cloud-csv';
import { analyzeTransport, MAX_FLOAT64_SINKHORN_PAIRS, type TransportAnalysis, type TransportRequest } from '../../metrics/transport-analysis';
import { exactTransportSize, MAX_EXACT_TRANSPORT_SIZE, type SparsePlan } from '../../metrics/exact-transport';
import { withBackend, type AnalysisBackend } from './backend';
import { tableCsv } from './csv-text';
import type { AnalysisReport } from './report';

export interface NamedCloud extends PointCloud {
  readonly path: string;
}

/** The request without its device: the backend says whether there is one. */
export type W2Request = DistributiveOmit<TransportRequest, 'gpu'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Throws a ConfigError (exit code 2) for clouds this request cannot take, naming the flag and what to use instead. */
export function checkW2Request(a: NamedCloud, b: NamedCloud, request: W2Request, backend: AnalysisBackend): void {
  if (a.dim !== b.dim) throw new ConfigError([`${b.path}: ${b.dim} columns per point, ${a.path} has ${a.dim}; both clouds need the same dimension`]);
  if (request.method === 'exact') {
    const size = exactTransportSize(a.count, b.count);
    if (size > MAX_EXACT_TRANSPORT_SIZE) {
      throw new ConfigError([`--method exact: ${a.count} and ${b.count} points need an assignment of lcm(n, p) = ${size} copies, over ${MAX_EXACT_TRANSPORT_SIZE}; use --method sinkhorn or --method sliced`]);
    }
  }
  if (request.method === 'sinkhorn' && backend === 'float64' && a.count * b.count > MAX_FLOAT64_SINKHORN_PAIRS) {
    throw new ConfigError([`--method sinkhorn: ${a.count} x ${b.count} pairs, over the ${MAX_FLOAT64_SINKHORN_PAIRS} the float64 solver stores; add --backend gpu, or use --method sliced`]);
  }
}

/** W2 between the clouds (checked with checkW2Request first). */
export async function analyzeW2(a: NamedCloud, b: NamedCloud, request: W2Request, backend: AnalysisBackend): Promise<AnalysisReport> {
  checkW2Request(a, b, request, backend);
  const started = performance.now();
  const result = await withBackend(backend, (gpu) => analyzeTransport(a.points, b.points, a.dim, gpu && request.method !== 'exact' ? { ...request, gpu } : request));
  const json: Record<string, unknown> = {
    analysis: 'w2',
    source: { a: a.path, b: b.path },
    clouds: { a: { count: a.count, dim: a.dim }, b: { count: b.count, dim: b.dim } },
    cost: 'C_ij = |a_i - b_j|^2; each point of a has mass 1/n, each of b 1/p',
    ...methodSummary(result),
  };
  const files = new Map<string, string>();
  if (result.method !== 'sliced') {
    files.set('plan.csv', planCsv(result.plan));
    json.layout = {
      'plan.csv': `i,j,mass: mass moved from a_i to b_j (0-based rows of the two files), ${result.method === 'exact' ? 'every nonzero entry of the optimal plan' : 'the largest entries of the entropic plan, by decreasing mass'}`,
    };
  }
  json.wallSeconds = (performance.now() - started) / 1000;
  return { json, files };
}

function planCsv(plan: SparsePlan): string {
  return tableCsv(['i', 'j', 'mass'], [plan.rows, plan.columns, plan.masses]);
}

/** The plan as [i, j, mass] triples (also in plan.csv). */
const planEntries = (plan: SparsePlan) => Array.from(plan.masses, (mass, e) => [plan.rows[e]!, plan.columns[e]!, mass]);

function methodSummary(result: TransportAnalysis): Record<string, unknown> {
  switch (result.method) {
    case 'exact':
      return {
        method: 'exact',
        backend: result.backend,
        solver: `optimal assignment of ${result.assignmentSize} = lcm(n, p) copies of the points (Hungarian method, Jonker-Volgenant)`,
        w2Squared: result.w2Squared,
        w2: Math.sqrt(result.w2Squared),
        transportCost: result.w2Squared,
        rowMarginalError: result.rowMarginalError,
        columnMarginalError: result.columnMarginalError,
        plan: { entries: planEntries(result.plan), entryCount: result.plan.masses.length, complete: true },
      };
    case 'sinkhorn':
      return {
        method: 'sinkhorn',
        backend: result.backend,
        epsilon: result.epsilon,
        tolerance: result.tolerance,
        maxIterations: result.maxIterations,
        meaning: 'entropic OT at eps: transportCost = <P, C> of the entropic plan P (>= W2^2 once the marginals are met, and at most eps log(min(n, p)) above it); entropicObjective = <P, C> + eps KL(P | a x b)',
        transportCost: result.transportCost,
        entropicObjective: result.dualObjective,
        primalObjective: result.primalObjective,
        marginalError: result.marginalError,
        rowMarginalError: result.rowMarginalError,
        columnMarginalError: result.columnMarginalError,
        totalMass: result.totalMass,
        iterations: result.iterations,
        annealingLevels: result.annealingLevels,
        converged: result.converged,
        plan: { entries: planEntries(result.plan), entryCount: result.plan.masses.length, mass: result.planMass, complete: false },
      };
    case 'sliced':
      return {
        method: 'sliced',
        backend: result.backend,
        meaning: 'sliced W2^2: the mean over random unit directions of the 1-D W2^2 of the projections; SW2 <= W2, a different metric, no plan',
        slicedW2Squared: result.slicedW2Squared,
        directionCount: result.directionCount,
        seed: result.seed,
        perDirection: result.perDirection,
      };
  }
}
