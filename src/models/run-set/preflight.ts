/**
 * Pre-flight size checks of a run set: each member's footprint, estimated from its config by its model kind
 * (src/models/footprint.ts), against what the host and the device can hold, before anything is allocated.
 * A run that cannot fit is a ConfigError (exit code 2 in the CLI) naming the fields that size the offending
 * arrays, their values, the estimate and the limit, instead of a RangeError or a kernel error minutes later.
 */
import type { ExperimentConfig } from '../../config/schema';
import { ConfigError } from '../../config/errors';
import { MODEL_KINDS } from '../kinds';
import type { BufferEstimate, MemorySpace } from '../footprint';
import { describeArray, formatBytes, remedy } from './footprint-text';

/** What the host can still give a run. */
export interface HostBudget {
  /** Bytes of memory free for this process. */
  readonly availableBytes: number;
  /** Bytes the JavaScript heap may still grow by (Infinity where the engine does not say). */
  readonly heapBytes: number;
}

/** The device limits every storage buffer must meet (GPUSupportedLimits has both). */
export interface GpuBufferLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

/** Kernels index their buffers with u32: no buffer of more elements works on any adapter. */
export const MAX_GPU_ELEMENTS = 2 ** 32;

/** V8 makes no typed array of more elements (Node 20: new Uint8Array(2 ** 33) is a RangeError). */
export const MAX_HOST_ELEMENTS = 2 ** 32;

/** Lines naming arrays, per problem, at most: enough to say what to lower. */
const MAX_LINES = 4;

/** A total's lines name the arrays of at least this share of it (the ones worth lowering). */
const DETAIL_SHARE = 0.05;

interface MemberArray {
  readonly member: number;
  readonly buffer: BufferEstimate;
}

interface Line {
  readonly prefix: string;
  readonly text: string;
}

/** Throws ConfigError listing every problem (a no-op without any); 'invalid run set' for several members. */
export function throwProblems(configs: readonly ExperimentConfig[], problems: readonly string[]): void {
  if (problems.length > 0) throw new ConfigError(problems, configs.length > 1 ? 'run set' : 'config');
}

/** Throws ConfigError with hostProblems's lines. */
export function checkHostFootprint(configs: readonly ExperimentConfig[], budget: HostBudget): void {
  throwProblems(configs, hostProblems(configs, budget));
}

/** Throws ConfigError with gpuProblems's lines. */
export function checkGpuFootprint(configs: readonly ExperimentConfig[], limits?: GpuBufferLimits): void {
  throwProblems(configs, gpuProblems(configs, limits));
}

/**
 * The members together need more host memory (or JavaScript heap) than `budget`, or one host array would hold
 * more values than a typed array can: one line per problem, then the arrays behind it.
 */
export function hostProblems(configs: readonly ExperimentConfig[], budget: HostBudget): string[] {
  const host = arrays(configs, ['host', 'heap']);
  const heap = host.filter(({ buffer }) => buffer.space === 'heap');
  const tooLong = host
    .filter(({ buffer }) => buffer.elementCount > MAX_HOST_ELEMENTS)
    .map(({ member, buffer }) => line(configs, member, `${describeArray(buffer, true)}: ${buffer.elementCount} values in one array, and a JavaScript typed array holds at most 2^32${remedy([buffer])}`));
  return [
    ...overBudget(configs, host, 'host memory', budget.availableBytes, ''),
    ...overBudget(configs, heap, 'JavaScript heap', budget.heapBytes, ' (in Node, --max-old-space-size raises its limit)'),
    ...firstLines(tooLong),
  ];
}

/**
 * A GPU member's buffer of more than 2^32 elements (on any adapter) or, with the device's `limits`, of more bytes
 * than it binds or allocates in one buffer: one line each, largest first.
 */
export function gpuProblems(configs: readonly ExperimentConfig[], limits?: GpuBufferLimits): string[] {
  const limit = limits ? storageLimit(limits) : undefined;
  const oneBuffer = (buffer: BufferEstimate) => buffer.elementCount * buffer.bytesPerElement;
  const buffers = arrays(configs, ['gpu']).sort((p, q) => oneBuffer(q.buffer) - oneBuffer(p.buffer));
  const lines = buffers.flatMap(({ member, buffer }) => {
    const head = `${describeArray(buffer, true)} in one GPU buffer`;
    if (buffer.elementCount > MAX_GPU_ELEMENTS) return [line(configs, member, `${head}; no kernel indexes more than 2^32 elements (u32 indices)${remedy([buffer])}`)];
    if (limit && oneBuffer(buffer) > limit.bytes) return [line(configs, member, `${head}; this adapter's largest storage buffer is ${formatBytes(limit.bytes)} (${limit.name})${remedy([buffer])}`)];
    return [];
  });
  return firstLines(lines);
}

/** On a software adapter (SwiftShader) GPU buffers are host memory: the GPU members' buffers together against `availableBytes`. */
export function softwareGpuProblems(configs: readonly ExperimentConfig[], availableBytes: number): string[] {
  return overBudget(configs, arrays(configs, ['gpu']), 'GPU memory (host memory on this software adapter)', availableBytes, '');
}

/** The members' estimated arrays in `spaces` (GPU buffers of GPU members only). */
function arrays(configs: readonly ExperimentConfig[], spaces: readonly MemorySpace[]): MemberArray[] {
  return configs.flatMap((config, member) => {
    const buffers = MODEL_KINDS[config.model.kind].footprint?.(config).buffers ?? [];
    return buffers.filter((buffer) => spaces.includes(buffer.space) && (buffer.space !== 'gpu' || config.backend === 'gpu')).map((buffer) => ({ member, buffer }));
  });
}

/** 'host memory: the run needs an estimated 41.0 GiB; 23.1 GiB is available; lower ...' and its largest arrays, or nothing within budget. */
function overBudget(configs: readonly ExperimentConfig[], entries: readonly MemberArray[], memory: string, budgetBytes: number, note: string): string[] {
  const totalBytes = entries.reduce((sum, { buffer }) => sum + buffer.byteLength, 0);
  if (totalBytes <= budgetBytes) return [];
  const largest = [...entries].sort((p, q) => q.buffer.byteLength - p.buffer.byteLength).filter(({ buffer }) => buffer.byteLength >= DETAIL_SHARE * totalBytes);
  const who = configs.length > 1 ? `the run set's ${configs.length} members need` : 'the run needs';
  const fewer = configs.length > 1 ? 'run fewer members at once' : undefined;
  return [
    `${memory}: ${who} an estimated ${formatBytes(totalBytes)}; ${formatBytes(Math.max(0, budgetBytes))} is available${note}${remedy(largest.slice(0, 2).map((e) => e.buffer), fewer)}`,
    ...firstLines(largest.map(({ member, buffer }) => line(configs, member, describeArray(buffer)))),
  ];
}

/** A line about member `member`'s array: prefixed 'member 3: ' in a run set of several. */
function line(configs: readonly ExperimentConfig[], member: number, text: string): Line {
  return { prefix: configs.length > 1 ? `member ${member}: ` : '', text };
}

/** Lines deduplicated by their text (a seed sweep repeats its members' arrays), at most MAX_LINES. */
function firstLines(lines: readonly Line[]): string[] {
  const seen = new Set<string>();
  return lines.filter((entry) => !seen.has(entry.text) && seen.add(entry.text)).slice(0, MAX_LINES).map((entry) => entry.prefix + entry.text);
}

/** The smaller of the two limits a storage buffer meets, and its name. */
function storageLimit(limits: GpuBufferLimits): { bytes: number; name: string } {
  return limits.maxStorageBufferBindingSize <= limits.maxBufferSize
    ? { bytes: limits.maxStorageBufferBindingSize, name: 'maxStorageBufferBindingSize' }
    : { bytes: limits.maxBufferSize, name: 'maxBufferSize' };
}
