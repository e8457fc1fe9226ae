/**
 * A run's checkpoint on disk, everything `gradflow run --resume` needs to go on exactly as if never stopped:
 *   checkpoint.json   the configs, the simulation's checkpoint (weights and optimizer state, bit for bit), the
 *                     logged rows, divergence and events so far
 *   step-losses.f64   every member's loss before each step, little-endian float64, member after member
 * Each file is written to a temporary name and renamed; the losses first, so a checkpoint.json on disk never
 * names more losses than its file holds (an older checkpoint.json only reads a prefix of a newer losses file,
 * and the losses before a checkpoint never change).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/errors';
import type { ExperimentConfig } from '../config/schema';
import type { Checkpoint } from '../core/simulation';
import type { MemberLog, RunLog } from '../run/scheduler';
import { writeFileAtomically } from './atomic-file';

export const CHECKPOINT_FILE = 'checkpoint.json';
const LOSSES_FILE = 'step-losses.f64';
const FORMAT = 'gradflow-checkpoint/1';

/** What a run was started with, so a resumed run starts the same way. */
export interface RunIdentity {
  /** The run set's configs as validated (one for a single run). */
  readonly configs: readonly ExperimentConfig[];
  /** What the user ran (a preset name or config file), for messages. */
  readonly target: string;
  readonly saveParams: boolean;
  /** A run set from a sweep block: what its member folders and sweep table record. */
  readonly set?: SetIdentity;
}

export interface SetIdentity {
  readonly sweepId: string;
  readonly grid: Record<string, readonly unknown[]>;
  /** Each member's swept values. */
  readonly overrides: readonly Record<string, unknown>[];
  /** The command line's --set overrides. */
  readonly sets: readonly string[];
}

export interface SavedRun extends RunIdentity {
  readonly checkpoint: Checkpoint<unknown>;
  readonly log: RunLog;
}

interface CheckpointJson extends RunIdentity {
  readonly format: typeof FORMAT;
  readonly stepsTaken: number;
  readonly checkpoint: unknown;
  readonly members: readonly { readonly rows: unknown; readonly divergedAt?: number; readonly lossLimit: number | null; readonly lossCount: number }[];
  readonly events: readonly string[];
}

export async function writeCheckpoint(folder: string, identity: RunIdentity, checkpoint: Checkpoint<unknown>, log: RunLog): Promise<void> {
  const lossCounts = log.members.map((member) => Math.min(member.stepLosses.length, member.lossLimit, checkpoint.stepsTaken));
  const losses = new Float64Array(lossCounts.reduce((sum, count) => sum + count, 0));
  let offset = 0;
  log.members.forEach((member, k) => {
    for (let step = 0; step < lossCounts[k]!; step++) losses[offset++] = member.stepLosses[step]!;
  });
  const json: CheckpointJson = {
    format: FORMAT,
    configs: identity.configs, target: identity.target, saveParams: identity.saveParams, ...(identity.set ? { set: identity.set } : {}),
    stepsTaken: checkpoint.stepsTaken,
    checkpoint: encode(checkpoint),
    members: log.members.map((member, k) => ({
      rows: encode(member.rows),
      ...(member.divergedAt !== undefined ? { divergedAt: member.divergedAt } : {}),
      lossLimit: Number.isFinite(member.lossLimit) ? member.lossLimit : null,
      lossCount: lossCounts[k]!,
    })),
    events: log.events,
  };
  await writeFileAtomically(join(folder, LOSSES_FILE), new Uint8Array(losses.buffer));
  await writeFileAtomically(join(folder, CHECKPOINT_FILE), `${JSON.stringify(json)}\n`);
}

/** Reads a folder's checkpoint; an input error (exit 2) naming the folder when there is none or it is not one of ours. */
export async function readCheckpoint(folder: string): Promise<SavedRun> {
  const where = join(folder, CHECKPOINT_FILE);
  const text = await readFile(where, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError([`--resume ${folder}: no ${CHECKPOINT_FILE} to resume from (${error.code ?? error.message}); an interrupted run leaves one in its --out folder`]);
  });
  let json: CheckpointJson;
  try {
    json = JSON.parse(text) as CheckpointJson;
  } catch (error) {
    throw new ConfigError([`--resume ${folder}: ${CHECKPOINT_FILE} is not valid JSON (${(error as Error).message})`]);
  }
  if (json?.format !== FORMAT) throw new ConfigError([`--resume ${folder}: ${CHECKPOINT_FILE} is not a gradflow checkpoint (format ${JSON.stringify(json?.format)}; expected ${FORMAT})`]);
  const bytes = await readFile(join(folder, LOSSES_FILE)).catch(() => new Uint8Array(0));
  const needed = json.members.reduce((sum, member) => sum + member.lossCount, 0);
  if (bytes.byteLength < needed * 8) throw new ConfigError([`--resume ${folder}: ${LOSSES_FILE} holds ${Math.floor(bytes.byteLength / 8)} losses; the checkpoint needs ${needed}`]);
  const losses = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + needed * 8));
  let offset = 0;
  const members = json.members.map((member): MemberLog => {
    const stepLosses = Array.from(losses.subarray(offset, (offset += member.lossCount)));
    return {
      rows: decode(member.rows) as MemberLog['rows'],
      stepLosses,
      lossLimit: member.lossLimit ?? Infinity,
      ...(member.divergedAt !== undefined ? { divergedAt: member.divergedAt } : {}),
    };
  });
  return {
    configs: json.configs, target: json.target, saveParams: json.saveParams, ...(json.set ? { set: json.set } : {}),
    checkpoint: decode(json.checkpoint) as Checkpoint<unknown>,
    log: { members, events: json.events },
  };
}

/** Removes a finished run's checkpoint files (a completed run's folder holds its results only). */
export async function removeCheckpoint(folder: string): Promise<void> {
  await Promise.all([rm(join(folder, CHECKPOINT_FILE), { force: true }), rm(join(folder, LOSSES_FILE), { force: true })]);
}

/**
 * JSON that keeps every number's bits: typed arrays as base64 of their bytes, and NaN, the infinities and -0
 * (which JSON cannot hold) as tagged strings.
 */
type Tagged = { $f32: string } | { $f64: string } | { $number: string };

export function encode(value: unknown): unknown {
  if (value instanceof Float32Array) return { $f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof Float64Array) return { $f64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { $number: Object.is(value, -0) ? '-0' : String(value) };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    if (ArrayBuffer.isView(value)) throw new TypeError(`checkpoint: cannot save a ${value.constructor.name}`);
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, encode(entry)]));
  }
  return value;
}

export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value === null || typeof value !== 'object') return value;
  const tagged = value as Partial<Record<keyof UnionKeys<Tagged>, string>>;
  if (typeof tagged.$f32 === 'string') return bytesAs(tagged.$f32, Float32Array);
  if (typeof tagged.$f64 === 'string') return bytesAs(tagged.$f64, Float64Array);
  if (typeof tagged.$number === 'string') return tagged.$number === '-0' ? -0 : Number(tagged.$number);
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, decode(entry)]));
}

type UnionKeys<T> = { [K in T extends unknown ? keyof T : never]: unknown };

function bytesAs<T extends Float32Array | Float64Array>(base64: string, Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const bytes = Buffer.from(base64, 'base64');
  // Copy into a fresh, aligned buffer: a Buffer may sit at any offset of a shared pool.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new Type(copy);
}
