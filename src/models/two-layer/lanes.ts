/**
 * Which runs of a run set can train together in one BatchedTrainer (a lane) and still each be bitwise the
 * run it would be alone (GpuSimulation). A lane steps N networks of widths m_k <= M padded to M, full-batch
 * GD on one data set; per member it may vary width, lr, seed, initial weights, scaling, alpha and trainable
 * parts. Everything else about a run either must be shared by the lane (the key) or keeps the run out of
 * lanes altogether (no key), because the batched kernels do not do it:
 *   an optimizer rule other than plain GD, a schedule, JKO steps, minibatches (batchSize < n or with
 *   replacement), online samples, a centered model (f0), the sphere retraction, and, unless the step is
 *   'multi-step' by config, a first layer trained at d <= FIRST_LAYER_GRAD_MAX_DIM (the single run's gradW then comes from
 *   first_layer_grad, which sums in another order than the 'relu-grad' matmul the lane uses).
 * The step kernel is part of the key (laneStepKernel): a lane runs the kernel each member would run alone.
 * Each member's metrics are computed from its own Problem (TwoLayerGpuMetrics), so the metric settings
 * (w2 target, Lanczos options) may differ within a lane and are not part of the key.
 */
import type { Problem } from './problem';
import type { TrainingSet } from '../../core/network';
import { isPlainGd, stepSizes } from '../../core/update-settings';
import { FIRST_LAYER_GRAD_MAX_DIM } from './passes';
import { autoStepKernel, MULTI_STEP_MAX_INPUT_DIM } from '../../core/step-kernels';

const DEFAULT_MAX_STEPS_PER_SUBMIT = 1024;

/** Why `problem` cannot ride in a lane, or undefined when it can. */
export function laneProblem(problem: Problem): string | undefined {
  const t = problem.trainer;
  if (!isPlainGd(t)) return 'not plain GD at a constant rate (optimizer rule, schedule or JKO)';
  if (t.online) return 'online samples';
  if ((t.batchSize !== undefined && t.batchSize !== t.sampleCount) || t.withReplacement) return 'minibatches';
  if (t.centered) return 'a centered model';
  if (t.sphere) return 'the sphere retraction';
  const kernel = laneStepKernel(problem);
  // 'ask' may resolve to the unfused step (on an adapter where it wins), whose single runs take first_layer_grad.
  if (kernel !== 'multi-step' && t.trainable !== 'second' && t.inputDim <= FIRST_LAYER_GRAD_MAX_DIM) return `a first layer trained at d <= ${FIRST_LAYER_GRAD_MAX_DIM} by the unfused step (first_layer_grad)`;
  // The lane's multi-step kernel carries the bias as an input column: d + 1 must compile.
  if (kernel !== 'unfused' && t.hasBias && t.inputDim + 1 > MULTI_STEP_MAX_INPUT_DIM) return `a bias at d = ${t.inputDim} (the multi-step lane takes d + 1 <= ${MULTI_STEP_MAX_INPUT_DIM})`;
  // The lane's network table holds the step sizes as float32 and refuses what does not fit; the single run would diverge instead.
  const steps = stepSizes(t, t.learningRate);
  if (!Number.isFinite(Math.fround(steps.a)) || !Number.isFinite(Math.fround(steps.w))) return 'step sizes beyond float32';
  return undefined;
}

/**
 * How a lane of this member runs its steps, decided without the adapter so that planning needs none:
 * 'unfused', 'multi-step', or 'ask' (the config says 'auto' and the step is small: the adapter's small-step
 * winner, which is the same for every member of the lane and for each member alone).
 */
export function laneStepKernel(problem: Problem): 'unfused' | 'multi-step' | 'ask' {
  const t = problem.trainer;
  const setting = t.stepKernel ?? 'unfused';
  if (setting !== 'auto') return setting;
  return autoStepKernel({ ...t, batchSize: t.batchSize ?? t.sampleCount });
}

/**
 * A string equal for two problems exactly when they can share a lane (up to a 53-bit hash of the data, which
 * canShareLane checks exactly), or undefined when the problem cannot ride in a lane (laneProblem).
 */
export function laneKey(problem: Problem): string | undefined {
  if (laneProblem(problem) !== undefined) return undefined;
  const t = problem.trainer;
  return JSON.stringify({
    loss: t.loss,
    hasBias: t.hasBias,
    inputDim: t.inputDim,
    sampleCount: t.sampleCount,
    matmulAlgorithm: t.matmulAlgorithm ?? 'register',
    stepKernel: laneStepKernel(problem),
    maxStepsPerSubmit: t.maxStepsPerSubmit ?? DEFAULT_MAX_STEPS_PER_SUBMIT,
    train: dataHash(problem.train),
    test: problem.test ? dataHash(problem.test) : null,
  });
}

/** Whether two problems can share a lane: equal keys and bit-identical train and test sets. */
export function canShareLane(p: Problem, q: Problem): boolean {
  const key = laneKey(p);
  return key !== undefined && key === laneKey(q) && sameData(p, q);
}

/**
 * The lanes of a run set: member indices grouped by lane key; within a key, members sorted by width (then
 * index) are packed greedily into lanes whose padded size N * M stays within `paddingBudget` times the sum of
 * their widths (a width sweep 64..8192 gets one lane per width, 16 seeds at one width share one). A member
 * without a key is a lane of its own. A lane's padded width N * M also stays within `maxPaddedWidth` (the widest
 * lane whose buffers the device can bind: laneWidthLimit), so a set that fits member by member never makes a
 * lane too big to build. Lanes are listed by their first member, indices ascending.
 */
export function planLanes(problems: readonly Problem[], paddingBudget = 1.1, maxPaddedWidth = Infinity): number[][] {
  if (!(paddingBudget >= 1)) throw new RangeError(`paddingBudget must be >= 1 (padded size over the widths' sum), got ${paddingBudget}`);
  const lanes: number[][] = [];
  for (const group of shareableGroups(problems)) {
    const byWidth = [...group].sort((i, j) => widthOf(problems[i]!) - widthOf(problems[j]!) || i - j);
    let lane: number[] = [];
    let widthSum = 0;
    for (const index of byWidth) {
      // Sorted by width, so the newcomer is the lane's widest: the padded size becomes (N + 1) m.
      const width = widthOf(problems[index]!);
      const padded = (lane.length + 1) * width;
      if (lane.length > 0 && (padded > paddingBudget * (widthSum + width) || padded > maxPaddedWidth)) {
        lanes.push(lane);
        lane = [];
        widthSum = 0;
      }
      lane.push(index);
      widthSum += width;
    }
    if (lane.length > 0) lanes.push(lane);
  }
  return lanes.map((lane) => lane.sort((i, j) => i - j)).sort((p, q) => p[0]! - q[0]!);
}

/** Members that can share lanes, by key and exact data; a member without a key alone. */
function shareableGroups(problems: readonly Problem[]): number[][] {
  const groups: number[][] = [];
  const byKey = new Map<string, number[][]>();
  problems.forEach((problem, index) => {
    const key = laneKey(problem);
    if (key === undefined) {
      groups.push([index]);
      return;
    }
    const candidates = byKey.get(key) ?? [];
    byKey.set(key, candidates);
    const group = candidates.find((members) => sameData(problems[members[0]!]!, problem));
    if (group) group.push(index);
    else {
      const fresh = [index];
      candidates.push(fresh);
      groups.push(fresh);
    }
  });
  return groups;
}

/**
 * The widest padded lane (N * M neurons) whose largest buffers the device can bind: the hidden activations
 * [rows x N M] in float32, rows the most of the train samples, test samples and inputs of any member (the
 * weights are [N M x d]).
 */
export function laneWidthLimit(problems: readonly Problem[], limits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number }): number {
  const rows = Math.max(1, ...problems.map((problem) => {
    const d = problem.trainer.inputDim;
    return Math.max(d, problem.train.X.length / d, (problem.test?.X.length ?? 0) / d);
  }));
  return Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / (4 * rows));
}

function widthOf(problem: Problem): number {
  return problem.trainer.width;
}

/** Bit-identical train sets, and test sets (or neither has one). */
function sameData(p: Problem, q: Problem): boolean {
  return sameSet(p.train, q.train) && (p.test === q.test || (!!p.test && !!q.test && sameSet(p.test, q.test)));
}

function sameSet(p: TrainingSet, q: TrainingSet): boolean {
  return sameBits(p.X, q.X) && sameBits(p.y, q.y);
}

function sameBits(p: Float32Array, q: Float32Array): boolean {
  if (p === q) return true;
  if (p.length !== q.length) return false;
  const [u, v] = [bitsOf(p), bitsOf(q)];
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  return true;
}

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** A 53-bit hash (cyrb53) of the sets' float bits and shapes: equal sets, equal hashes. */
function dataHash(set: TrainingSet): string {
  let h1 = 0xdeadbeef ^ set.y.length;
  let h2 = 0x41c6ce57 ^ set.X.length;
  for (const values of [set.X, set.y]) {
    const bits = bitsOf(values);
    for (let i = 0; i < bits.length; i++) {
      h1 = Math.imul(h1 ^ bits[i]!, 2654435761);
      h2 = Math.imul(h2 ^ bits[i]!, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${set.X.length}:${set.y.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}
