/**
 * Which shard of a sweep this process runs: `--shard k/N` (0 <= k < N), or `--shard auto`, which reads the
 * batch scheduler's environment: a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, and
 * SLURM_ARRAY_TASK_MIN / SLURM_ARRAY_TASK_STEP when the array does not start at 0 or steps by more than 1),
 * or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with the Job's completions given as `--shards N`).
 * Every problem is a ConfigError naming the flag or variable and its value (exit code 2).
 */
import { ConfigError } from '../config/errors';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

const WHOLE: Shard = { index: 0, count: 1 };

/** A non-negative integer written in decimal, or undefined. */
function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** Parses "k/N" (0 <= k < N). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index >= count) throw new ConfigError([`--shard: got ${JSON.stringify(text)}; expected k/N with 0 <= k < N (e.g. 0/4), or auto`]);
  return { index, count };
}

function parseShardCount(text: string): number {
  const count = wholeNumber(text);
  if (count === undefined || count < 1) throw new ConfigError([`--shards: got ${JSON.stringify(text)}; expected the number of shards, a whole number >= 1`]);
  return count;
}

/** Reads an environment variable as a whole number; `undefined` when unset or empty. */
function environmentNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = wholeNumber(text);
  if (value === undefined) throw new ConfigError([`--shard auto: ${name}=${JSON.stringify(text)} is not a whole number`]);
  return value;
}

function slurmShard(env: NodeJS.ProcessEnv, shards: number | undefined): Shard {
  const id = environmentNumber(env, 'SLURM_ARRAY_TASK_ID')!;
  const count = environmentNumber(env, 'SLURM_ARRAY_TASK_COUNT');
  if (count === undefined) {
    throw new ConfigError([`--shard auto: SLURM_ARRAY_TASK_ID=${id} is set but SLURM_ARRAY_TASK_COUNT is not; run inside an sbatch --array job, or give --shard k/N`]);
  }
  if (count < 1) throw new ConfigError([`--shard auto: SLURM_ARRAY_TASK_COUNT=${count}; expected at least 1`]);
  const min = environmentNumber(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const step = environmentNumber(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  if (step < 1) throw new ConfigError([`--shard auto: SLURM_ARRAY_TASK_STEP=${step}; expected at least 1`]);
  const offset = id - min;
  if (offset < 0 || offset % step !== 0) {
    throw new ConfigError([`--shard auto: SLURM_ARRAY_TASK_ID=${id} is not SLURM_ARRAY_TASK_MIN=${min} plus a multiple of SLURM_ARRAY_TASK_STEP=${step}`]);
  }
  const index = offset / step;
  if (index >= count) {
    throw new ConfigError([`--shard auto: SLURM_ARRAY_TASK_ID=${id} gives shard ${index} (from SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_STEP=${step}), but SLURM_ARRAY_TASK_COUNT=${count} allows 0..${count - 1}`]);
  }
  if (shards !== undefined && shards !== count) {
    throw new ConfigError([`--shard auto: --shards ${shards} disagrees with SLURM_ARRAY_TASK_COUNT=${count}; leave --shards out under Slurm`]);
  }
  return { index, count };
}

function indexedJobShard(env: NodeJS.ProcessEnv, shards: number | undefined): Shard {
  const index = environmentNumber(env, 'JOB_COMPLETION_INDEX')!;
  if (shards === undefined) {
    throw new ConfigError([`--shard auto: JOB_COMPLETION_INDEX=${index} is set but --shards N is missing; give the Job's completions as --shards N`]);
  }
  if (index >= shards) throw new ConfigError([`--shard auto: JOB_COMPLETION_INDEX=${index} is not below --shards ${shards}; expected 0..${shards - 1} (is --shards the Job's completions?)`]);
  return { index, count: shards };
}

/**
 * The shard from the flags and (for `--shard auto`) the environment. No --shard: the whole sweep.
 * `--shards N` goes only with `--shard auto` (or agrees with `--shard k/N`).
 */
export function resolveShard(flags: { shard?: string | undefined; shards?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Shard {
  const shards = flags.shards === undefined ? undefined : parseShardCount(flags.shards);
  if (flags.shard === undefined) {
    if (shards !== undefined) throw new ConfigError([`--shards ${shards}: goes with --shard auto (a Kubernetes Indexed Job's completions); use --shard k/N otherwise`]);
    return WHOLE;
  }
  if (flags.shard !== 'auto') {
    const shard = parseShard(flags.shard);
    if (shards !== undefined && shards !== shard.count) throw new ConfigError([`--shards ${shards} disagrees with --shard ${flags.shard}`]);
    return shard;
  }
  const slurm = environmentNumber(env, 'SLURM_ARRAY_TASK_ID');
  const indexed = environmentNumber(env, 'JOB_COMPLETION_INDEX');
  if (slurm !== undefined && indexed !== undefined) {
    throw new ConfigError([`--shard auto: both SLURM_ARRAY_TASK_ID=${slurm} and JOB_COMPLETION_INDEX=${indexed} are set; unset one, or give --shard k/N`]);
  }
  if (slurm !== undefined) return slurmShard(env, shards);
  if (indexed !== undefined) return indexedJobShard(env, shards);
  throw new ConfigError([
    '--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; run it as an array task, or give --shard k/N',
  ]);
}
