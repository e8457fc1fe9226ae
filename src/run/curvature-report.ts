/**
 * What a run's curvature numbers mean and how far to trust them, in one place for result.json, the
 * CLI and the app: the units of each curvature metric logged (parameter units or particle time, with
 * the factor m between them) and the logged steps whose sharpness did not converge.
 */
import type { ExperimentConfig } from '../config/schema';
import { particleTimeFactor, type Scaling } from '../core/conventions';
import type { MetricsRow } from '../core/simulation';
import { LANCZOS_DEFAULTS, LANCZOS_MAX_ITERATIONS } from '../core/lanczos';
import { withDiagnostics } from '../metrics/registry';

/** result.json's statement of units: the factor, and a sentence per curvature metric logged. */
export interface CurvatureUnits {
  /** factor = m for mean-field (particle time), 1 otherwise: the update moves theta_j by lr * factor * grad_j L. */
  readonly particleTimeFactor: number;
  /** Metric name -> what its numbers are. */
  readonly metrics: Readonly<Record<string, string>>;
}

/** The units of the curvature metrics `config` logs, or undefined when it logs none (or is not the two-layer net). */
export function curvatureUnits(config: ExperimentConfig): CurvatureUnits | undefined {
  if (config.model.kind !== 'two-layer') return undefined;
  const factor = particleTimeFactor(config.model.scaling as Scaling, config.model.width);
  const lanczos = { ...LANCZOS_DEFAULTS, ...config.metrics.lanczos };
  const times = factor === 1 ? 'factor 1 (not mean-field): equal to parameter units' : `factor m = ${factor} (mean-field)`;
  const parameters = 'parameter units, of the Hessian H of the train loss in the parameters (a, W, b) themselves';
  const particleTime = (what: string) => `particle time (the update rule's units): ${factor} * ${what}, ${times}`;
  const statements: Record<string, string> = {
    sharpness: `${parameters}: lambda_max(H); GD is linearly stable while learningRate * ${factor} * sharpness < 2`,
    sharpnessParticleTime: `${particleTime('lambda_max(H)')}; GD is linearly stable while learningRate * sharpnessParticleTime < 2`,
    sharpnessResidual: `${parameters}: |H y - lambda y| for the returned unit Ritz vector y; some eigenvalue of H lies within it of the sharpness`,
    sharpnessConverged: `1 when Lanczos met its stopping rule (Ritz estimate <= ${lanczos.tolerance.toExponential()} lambda), 0 when it stopped at its cap of ${lanczos.maxIterations} iterations`,
    sharpnessIterations: 'Lanczos iterations, one Hessian-vector product each',
    hessianTrace: `${parameters}: Tr(H), exact (closed form (1/n) sum_i l''(f_i, y_i) K_ii of the two-layer ReLU net)`,
    hessianTraceParticleTime: `${particleTime('Tr(H)')}, exact`,
    batchSharpness: `${particleTime('E_B[g_B^T H_B g_B / |g_B|^2]')}, over mini-batches drawn as the run's SGD draws them; compare learningRate * batchSharpness with 2`,
    batchSharpnessStandardError: `${particleTime('the standard deviation of the per-batch ratios / sqrt(batches)')}`,
  };
  const logged = config.metrics.names.filter((name) => name in statements);
  if (logged.length === 0) return undefined;
  // The diagnostics ride along with any sharpness metric, so their units are stated whenever one is logged.
  return { particleTimeFactor: factor, metrics: Object.fromEntries(withDiagnostics(logged).map((name) => [name, statements[name]!])) };
}

/** A logged step whose Lanczos run stopped at its cap. */
export interface UnconvergedSharpness {
  readonly step: number;
  /** The logged sharpness (parameter units), or the particle-time one when only that was logged. */
  readonly value: number;
  readonly residual: number;
  readonly iterations: number;
}

/** The rows whose sharpness did not converge (sharpnessConverged = 0). */
export function unconvergedSharpness(rows: readonly MetricsRow[]): UnconvergedSharpness[] {
  return rows
    .filter((row) => row.sharpnessConverged === 0)
    .map((row) => ({
      step: row.step,
      value: row.sharpness ?? row.sharpnessParticleTime ?? NaN,
      residual: row.sharpnessResidual ?? NaN,
      iterations: row.sharpnessIterations ?? NaN,
    }));
}

/** True when the rows carry the sharpness diagnostics (some sharpness metric was logged). */
export function logsSharpness(rows: readonly MetricsRow[]): boolean {
  return rows.some((row) => row.sharpnessConverged !== undefined);
}

/** "residual 1.2e-3 after 100 iterations": why one value is not to be trusted. */
export function unconvergedNote(entry: Pick<UnconvergedSharpness, 'residual' | 'iterations'>): string {
  return `not converged: residual ${entry.residual.toExponential(2)} after ${entry.iterations} Lanczos iterations`;
}

/** Steps listed by name in the warning; the rest are counted. */
const LISTED_STEPS = 5;

/** The CLI's warning when some sharpness did not converge (undefined when all did). */
export function unconvergedSharpnessWarning(rows: readonly MetricsRow[]): string | undefined {
  const unconverged = unconvergedSharpness(rows);
  if (unconverged.length === 0) return undefined;
  const logged = rows.filter((row) => row.sharpnessConverged !== undefined).length;
  const listed = unconverged.slice(0, LISTED_STEPS).map((entry) => `step ${entry.step}: ${entry.value.toPrecision(6)} (${unconvergedNote(entry)})`);
  const more = unconverged.length > LISTED_STEPS ? `; and ${unconverged.length - LISTED_STEPS} more` : '';
  return (
    `warning: the sharpness did not converge at ${unconverged.length} of ${logged} logged steps; their values are rough ` +
    `(some eigenvalue lies within the residual of each, which need not be lambda_max): ${listed.join('; ')}${more}. ` +
    `Raise metrics.lanczos.maxIterations (at most ${LANCZOS_MAX_ITERATIONS}) to let it converge.`
  );
}
