/**
 * Per-adapter choice between kernel variants: time each candidate once on first use, keep the
 * fastest, remember it (localStorage in a browser, a JSON file in Node) so later runs on the same
 * adapter skip the timing. Which variant wins differs by device: shared-memory tiling wins on real
 * GPUs and loses ~10x on SwiftShader, where barriers are emulated.
 *
 * The cache is advisory: an unreadable or unwritable store never fails a run (the choice is then
 * measured again next time). An adapter without a usable name is measured but never persisted,
 * since its entry could not tell two devices apart.
 *
 * A request may carry a prior: a winner shipped with the build for adapters whose timings are known
 * (SwiftShader). On a miss it is the decision at once, so a first visit times nothing before its first
 * step; the candidates are timed later, when the caller's schedule says, and the measured winner is
 * stored for later processes only. This process keeps the prior for good: every call returns one
 * decision per key, so no run switches variants midway.
 */

import { timedSpan } from '../core/timing-spans';

export interface AutotuneEntry {
  readonly winner: string;
  /** Time of each candidate on the representative shape, milliseconds (the winner is the least). */
  readonly timesMs: Readonly<Record<string, number>>;
  /** Time of every candidate in the shortlist round, when the request had one. */
  readonly shortlistMs?: Readonly<Record<string, number>>;
  /** The representative shape, as text (for reports). */
  readonly shape: string;
  readonly date: string;
}

/** Key `${kernel}@${adapter}` -> entry. */
export type AutotuneCache = Record<string, AutotuneEntry>;

export interface AutotuneStore {
  load(): Promise<AutotuneCache>;
  save(cache: AutotuneCache): Promise<void>;
}

/** One prepared candidate. */
export interface CandidateRun {
  /** Runs it once and returns the wall time in milliseconds. */
  run(): Promise<number>;
  destroy(): void;
}

/** A candidate over this many times the best after a timed round runs no more (it has lost). */
const HOPELESS_FACTOR = 3;

export interface AutotuneRequest<T extends string> {
  /** Kernel family and representative case, e.g. 'matmul/two-layer-step-relu-grad'. */
  readonly kernel: string;
  /** `gpu.adapterDescription`. */
  readonly adapter: string;
  readonly candidates: readonly T[];
  /** Sets one candidate up on the representative shape, ready to be run and timed. */
  readonly prepare: (candidate: T) => Promise<CandidateRun>;
  /** Timed runs per candidate, taken round-robin across the candidates (default 4; the least is kept). */
  readonly rounds?: number;
  /** The representative shape, as text; a stored entry timed on another shape is a miss. */
  readonly shape: string;
  /**
   * An optional first round on a smaller shape: only candidates within `keepWithin` times the best
   * there are timed on the representative shape, so a variant far slower on this device costs a few
   * small runs instead of long dispatches.
   */
  readonly shortlist?: { readonly keepWithin: number; readonly prepare: (candidate: T) => Promise<CandidateRun> };
  /** Default: defaultAutotuneStore(). */
  readonly store?: AutotuneStore;
  /** A winner known to be good on this adapter: used at once on a miss, measured later (see AutotunePrior). */
  readonly prior?: AutotunePrior<T>;
}

/** A shipped decision for one adapter, and when the measurement that checks it may run. */
export interface AutotunePrior<T extends string> {
  readonly winner: T;
  /**
   * Called once per process and key when the prior is used: runs `check` (time the candidates, store the
   * winner for later processes) when the device can spare the time, or never. `check` never rejects.
   */
  readonly scheduleCheck: (check: () => Promise<void>) => void;
}

export interface AutotuneResult<T extends string> {
  readonly winner: T;
  /** 'memory' and 'store': remembered; 'measured': timed now; 'prior': shipped with the build, timed later. */
  readonly source: 'memory' | 'store' | 'measured' | 'prior';
  readonly timesMs: Readonly<Record<string, number>>;
  readonly shortlistMs?: Readonly<Record<string, number>>;
  readonly persisted: boolean;
}

/** Adapter names that identify no device: measured, kept for this process only. */
export function isIdentifiableAdapter(adapter: string): boolean {
  const name = adapter.trim().toLowerCase();
  return name !== '' && !name.startsWith('unknown adapter');
}

export function autotuneKey(kernel: string, adapter: string): string {
  return `${kernel}@${adapter}`;
}

/** Decisions made in this process (by store, then key): concurrent first uses share one measurement. */
const decided = new WeakMap<AutotuneStore, Map<string, Promise<AutotuneResult<string>>>>();

export async function autotune<T extends string>(request: AutotuneRequest<T>): Promise<AutotuneResult<T>> {
  if (request.candidates.length === 0) throw new Error(`autotune ${request.kernel}: no candidates`);
  const store = request.store ?? defaultAutotuneStore();
  let memory = decided.get(store);
  if (!memory) decided.set(store, (memory = new Map()));
  const key = autotuneKey(request.kernel, request.adapter);
  const known = memory.get(key);
  if (known) {
    const result = await known;
    if ((request.candidates as readonly string[]).includes(result.winner)) return { ...result, source: 'memory' } as AutotuneResult<T>;
  }
  const pending = timedSpan(`autotune/${request.kernel}`, () => decide(request, store, key));
  memory.set(key, pending);
  pending.catch(() => memory.delete(key));
  return pending;
}

async function decide<T extends string>(request: AutotuneRequest<T>, store: AutotuneStore, key: string): Promise<AutotuneResult<T>> {
  const persistable = isIdentifiableAdapter(request.adapter);
  const cache = persistable ? await loadQuietly(store) : {};
  const stored = cache[key];
  // A stored winner that is no longer a candidate (an older build's variant), or one timed on another
  // representative shape, counts as a miss.
  if (stored && stored.shape === request.shape && (request.candidates as readonly string[]).includes(stored.winner)) {
    return { winner: stored.winner as T, source: 'store', timesMs: stored.timesMs, ...(stored.shortlistMs ? { shortlistMs: stored.shortlistMs } : {}), persisted: true };
  }
  const prior = request.prior;
  if (prior && (request.candidates as readonly string[]).includes(prior.winner)) {
    // Checking a prior only pays where its measurement can be stored for a later process.
    if (persistable) {
      prior.scheduleCheck(() =>
        timedSpan(`autotune-check/${request.kernel}`, () => measure(request, store, key)).then(
          () => undefined,
          () => undefined,
        ),
      );
    }
    return { winner: prior.winner, source: 'prior', timesMs: {}, persisted: false };
  }
  return measure(request, store, key);
}

/** Times the candidates (the shortlist round first, when asked), keeps the fastest and stores it if the adapter is identifiable. */
async function measure<T extends string>(request: AutotuneRequest<T>, store: AutotuneStore, key: string): Promise<AutotuneResult<T>> {
  let contenders = request.candidates;
  let shortlistMs: Record<string, number> | undefined;
  if (request.shortlist) {
    const { keepWithin, prepare } = request.shortlist;
    const times = (shortlistMs = await timeInterleaved(request.candidates, prepare, request.rounds ?? DEFAULT_ROUNDS));
    const best = Math.min(...Object.values(times));
    contenders = request.candidates.filter((c) => times[c]! <= keepWithin * best);
  }
  const timesMs = await timeInterleaved(contenders, request.prepare, request.rounds ?? DEFAULT_ROUNDS);
  const winner = contenders.reduce((best, c) => (timesMs[c]! < timesMs[best]! ? c : best));
  let persisted = false;
  if (isIdentifiableAdapter(request.adapter)) {
    const entry: AutotuneEntry = { winner, timesMs, ...(shortlistMs ? { shortlistMs } : {}), shape: request.shape, date: new Date().toISOString() };
    persisted = await saveQuietly(store, { ...(await loadQuietly(store)), [key]: entry });
  }
  return { winner, source: 'measured', timesMs, ...(shortlistMs ? { shortlistMs } : {}), persisted };
}

const DEFAULT_ROUNDS = 4;

/**
 * The least time of each candidate over `rounds` timed runs taken round-robin, so a slow spell of the
 * device (SwiftShader shares two cores with everything else) hits every candidate alike. One untimed
 * warm-up each first (it may hold the driver's shader compilation); after the first timed round a
 * candidate over HOPELESS_FACTOR times the best runs no more.
 */
async function timeInterleaved<T extends string>(candidates: readonly T[], prepare: (candidate: T) => Promise<CandidateRun>, rounds: number): Promise<Record<string, number>> {
  const runs = new Map<T, CandidateRun>();
  try {
    // One after another: preparing them together (their pipelines compiling in parallel) took longer on Chromium's
    // SwiftShader (the matmul tune's five pipelines: 3.1-3.4 s from first start to last end, against 2.3-3.0 s).
    for (const candidate of candidates) runs.set(candidate, await prepare(candidate));
    for (const run of runs.values()) await run.run();
    const timesMs: Record<string, number> = {};
    let alive = [...candidates];
    for (let round = 0; round < Math.max(1, rounds); round++) {
      for (const candidate of alive) timesMs[candidate] = Math.min(timesMs[candidate] ?? Infinity, await runs.get(candidate)!.run());
      const best = Math.min(...alive.map((c) => timesMs[c]!));
      alive = alive.filter((c) => timesMs[c]! <= HOPELESS_FACTOR * best);
    }
    return timesMs;
  } finally {
    for (const run of runs.values()) run.destroy();
  }
}

async function loadQuietly(store: AutotuneStore): Promise<AutotuneCache> {
  try {
    const cache = await store.load();
    return cache && typeof cache === 'object' && !Array.isArray(cache) ? cache : {};
  } catch {
    return {};
  }
}

async function saveQuietly(store: AutotuneStore, cache: AutotuneCache): Promise<boolean> {
  try {
    await store.save(cache);
    return true;
  } catch {
    return false;
  }
}

/** A store that lives as long as the object (tests, and environments without storage). */
export function memoryAutotuneStore(initial: AutotuneCache = {}): AutotuneStore & { cache: AutotuneCache } {
  const holder = {
    cache: { ...initial },
    load: async () => ({ ...holder.cache }),
    save: async (cache: AutotuneCache) => {
      holder.cache = { ...cache };
    },
  };
  return holder;
}

export const LOCAL_STORAGE_KEY = 'gradflow.autotune';

/** Browser: one localStorage item holding the whole cache as JSON. */
export function localStorageAutotuneStore(storage: Storage, key = LOCAL_STORAGE_KEY): AutotuneStore {
  return {
    load: async () => JSON.parse(storage.getItem(key) ?? '{}') as AutotuneCache,
    save: async (cache) => storage.setItem(key, JSON.stringify(cache)),
  };
}

/** Node: $GRADFLOW_AUTOTUNE_CACHE, else $XDG_CACHE_HOME/gradflow/autotune.json, else ~/.cache/gradflow/autotune.json. */
export async function autotuneCachePath(env: Record<string, string | undefined> = process.env): Promise<string> {
  if (env.GRADFLOW_AUTOTUNE_CACHE) return env.GRADFLOW_AUTOTUNE_CACHE;
  const path = await import(/* @vite-ignore */ nodeModule('path'));
  const os = await import(/* @vite-ignore */ nodeModule('os'));
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'gradflow', 'autotune.json');
}

/** Node: the cache as a JSON file; node:fs is imported lazily so browser bundles never see it. */
export function fileAutotuneStore(file?: string): AutotuneStore {
  const resolved = file ? Promise.resolve(file) : autotuneCachePath();
  return {
    async load() {
      const fs = await import(/* @vite-ignore */ nodeModule('fs/promises'));
      return JSON.parse(await fs.readFile(await resolved, 'utf8')) as AutotuneCache;
    },
    async save(cache) {
      const fs = await import(/* @vite-ignore */ nodeModule('fs/promises'));
      const path = await import(/* @vite-ignore */ nodeModule('path'));
      const target = await resolved;
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, `${JSON.stringify(cache, null, 2)}\n`);
    },
  };
}

function nodeModule(name: string): string {
  return `node:${name}`;
}

let defaultStore: AutotuneStore | undefined;

/** localStorage where there is one, the cache file in Node, else memory only. */
export function defaultAutotuneStore(): AutotuneStore {
  if (defaultStore) return defaultStore;
  const storage = typeof localStorage !== 'undefined' ? localStorage : undefined;
  const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof window === 'undefined';
  defaultStore = storage ? localStorageAutotuneStore(storage) : isNode ? fileAutotuneStore() : memoryAutotuneStore();
  return defaultStore;
}
