/**
 * Toy landscapes (docs/science.md sections 4 and 7): P particles, each one optimizer run. From the
 * config to what both backends start from. Start points are checked here against the landscape's
 * dimension k and float32 (what the GPU holds), so a wrong one is a ConfigError naming the field
 * before anything runs, not a RangeError or a kernel argument error on the way.
 */
import type { LandscapeModel } from '../../config/model-kinds';
import { ConfigError } from '../../config/errors';
import { landscapeDimOf, landscapeStartPoints } from '../../core/landscape';
import type { HostArray } from '../../core/simulation';

/** The particles as a backend holds them: positions [P x k] and per particle (f, max |x|, exit step, log-growth) [P x 4]. */
export interface LandscapeState {
  readonly positions: HostArray;
  readonly stats: HostArray;
}

/** The problem with a point given for a k-dimensional landscape at `field`, or undefined if it fits. */
export function pointProblem(field: string, point: readonly number[], model: LandscapeModel): string | undefined {
  const k = landscapeDimOf(model.spec);
  const shown = JSON.stringify(point.length > 8 ? [...point.slice(0, 8), '...'] : point);
  const coordinates = (n: number) => `${n} coordinate${n === 1 ? '' : 's'}`;
  if (point.length !== k) return `${field}: got ${shown} (${coordinates(point.length)}); the ${model.spec.kind} landscape has k = ${k}, so give ${coordinates(k)}`;
  // The GPU holds positions in float32: a coordinate beyond its range would start as Infinity.
  const beyond = point.findIndex((v) => !Number.isFinite(Math.fround(v)));
  if (beyond >= 0) return `${field}[${beyond}]: got ${point[beyond]}; coordinates must lie within the float32 range (|x| <= 3.4e38)`;
  return undefined;
}

/** What is wrong with model.start for this landscape (its k, its particle count, float32), one line per problem. */
export function startProblems(model: LandscapeModel): string[] {
  const start = model.start;
  const problems: string[] = [];
  const check = (field: string, point: readonly number[]) => {
    const problem = pointProblem(field, point, model);
    if (problem) problems.push(problem);
  };
  if ('points' in start) {
    if (start.points.length !== model.spec.particleCount) {
      problems.push(`model.start.points: got ${start.points.length} rows; give one row per particle (model.spec.particleCount is ${model.spec.particleCount})`);
    }
    start.points.forEach((row, p) => check(`model.start.points[${p}]`, row));
  } else if ('point' in start) {
    check('model.start.point', start.point);
  } else {
    check('model.start.low', start.low);
    check('model.start.high', start.high);
  }
  // One line per wrong row would bury the message for a large P: the first few say what to fix.
  return problems.slice(0, 4);
}

/** The configured start points x0 [P x k]; a ConfigError when they do not fit the landscape. */
export function startPoints(model: LandscapeModel): Float32Array {
  const problems = startProblems(model);
  if (problems.length > 0) throw new ConfigError(problems);
  const { spec, start } = model;
  const k = landscapeDimOf(spec);
  if ('points' in start) return Float32Array.from(start.points.flat());
  if ('point' in start) return Float32Array.from({ length: spec.particleCount * k }, (_, e) => start.point[e % k]!);
  return landscapeStartPoints(spec.particleCount, start.low, start.high, spec.seed);
}
