/**
 * Autotune decisions with a fake measurer: cache miss, hit, stale entries, unknown adapters, overrides, shipped priors
 * and their later check (on the real device too). Timing outcomes are never asserted.
 */
import { describe, expect, it, vi } from 'vitest';
import { autotune, autotuneKey, isIdentifiableAdapter, localStorageAutotuneStore, memoryAutotuneStore, type AutotuneStore, type CandidateRun } from '../../src/gpu/autotune';
import { requestGpu, type GpuContext } from '../../src/gpu/device';
import { MATMUL_ALGORITHMS } from '../../src/core/matmul-algorithms';
import { fitAlgorithm, MATMUL_TUNE_KERNEL, matmulPrior, matmulTuneShape, resolveMatmulAlgorithm } from '../../src/kernels/matmul-autotune';
import { parseConfig } from '../../src/config/schema';
import { ConfigError } from '../../src/config/errors';
import { buildProblem } from '../../src/models/two-layer/problem';
import { initialWeights } from '../../src/core/initialization';
import { TwoLayerTrainer } from '../../src/models/two-layer/trainer';
import { testValues } from '../helpers/tolerance';
import { onGpu } from '../helpers/gpu';
import { fakeCandidates } from '../helpers/fake-candidates';

const CANDIDATES = ['slow', 'fast', 'medium'] as const;
const TIMES = { slow: 3, fast: 1, medium: 2 };

function request(adapter: string, store: AutotuneStore, prepare = fakeCandidates(TIMES)) {
  return { kernel: 'test/kernel', adapter, candidates: CANDIDATES, shape: '4x4x4', prepare, store };
}

describe('autotune', () => {
  it('on a miss times every candidate, keeps the fastest and stores it under kernel@adapter', async () => {
    const store = memoryAutotuneStore();
    const r = request('acme gpu', store);
    const result = await autotune(r);
    expect(result).toMatchObject({ winner: 'fast', source: 'measured', persisted: true });
    expect(r.prepare).toHaveBeenCalledTimes(3);
    expect(store.cache[autotuneKey('test/kernel', 'acme gpu')]).toMatchObject({ winner: 'fast', timesMs: TIMES, shape: '4x4x4' });
  });

  it('with a shortlist round, times at the full shape only the candidates within keepWithin of the best there', async () => {
    const store = memoryAutotuneStore();
    const shortlistTimes = { slow: 30, fast: 10, medium: 19 };
    const shortlist = { keepWithin: 2, prepare: fakeCandidates(shortlistTimes) };
    // At the full shape 'medium' wins: the small round only filters, it never decides.
    const prepare = fakeCandidates({ slow: 0.5, fast: 2, medium: 1 });
    const result = await autotune({ ...request('acme gpu 9', store, prepare), shortlist });
    expect(shortlist.prepare).toHaveBeenCalledTimes(3);
    expect(prepare.mock.calls.map(([c]) => c)).toEqual(['fast', 'medium']);
    expect(result).toMatchObject({ winner: 'medium', source: 'measured', timesMs: { fast: 2, medium: 1 }, shortlistMs: shortlistTimes });
    expect(store.cache[autotuneKey('test/kernel', 'acme gpu 9')]).toMatchObject({ winner: 'medium', shortlistMs: shortlistTimes });
    expect(await autotune({ ...request('acme gpu 9', memoryAutotuneStore(store.cache)), shortlist })).toMatchObject({ source: 'store', shortlistMs: shortlistTimes });
  });

  it('warms each candidate up once, then times them round-robin; one over 3x the best after a round runs no more', async () => {
    const log: string[] = [];
    const result = await autotune({ ...request('acme gpu 10', memoryAutotuneStore(), fakeCandidates({ slow: 10, fast: 1, medium: 2 }, log)), rounds: 3 });
    expect(log).toEqual(['slow', 'fast', 'medium', 'slow', 'fast', 'medium', 'fast', 'medium', 'fast', 'medium']);
    expect(result).toMatchObject({ winner: 'fast', timesMs: { slow: 10, fast: 1, medium: 2 } });
  });

  it('on a hit in the store measures nothing', async () => {
    const store = memoryAutotuneStore({ [autotuneKey('test/kernel', 'acme gpu')]: { winner: 'medium', timesMs: {}, shape: '4x4x4', date: '' } });
    const r = request('acme gpu', store);
    expect(await autotune(r)).toMatchObject({ winner: 'medium', source: 'store' });
    expect(r.prepare).not.toHaveBeenCalled();
  });

  it('remembers in memory: a second call measures nothing, even if the store forgot', async () => {
    const store = memoryAutotuneStore();
    await autotune(request('acme gpu 2', store));
    store.cache = {};
    const r = request('acme gpu 2', store);
    expect(await autotune(r)).toMatchObject({ winner: 'fast', source: 'memory' });
    expect(r.prepare).not.toHaveBeenCalled();
  });

  it('keeps adapters apart; a stored winner that is no longer a candidate, or timed on another shape, is a miss', async () => {
    const store = memoryAutotuneStore({
      [autotuneKey('test/kernel', 'other gpu')]: { winner: 'slow', timesMs: {}, shape: '', date: '' },
      [autotuneKey('test/kernel', 'acme gpu 3')]: { winner: 'retired-variant', timesMs: {}, shape: '4x4x4', date: '' },
      [autotuneKey('test/kernel', 'acme gpu 8')]: { winner: 'slow', timesMs: {}, shape: 'an older representative shape', date: '' },
    });
    const r = request('acme gpu 3', store);
    expect(await autotune(r)).toMatchObject({ winner: 'fast', source: 'measured' });
    expect(r.prepare).toHaveBeenCalledTimes(3);
    const r8 = request('acme gpu 8', store);
    expect(await autotune(r8)).toMatchObject({ winner: 'fast', source: 'measured' });
    expect(r8.prepare).toHaveBeenCalledTimes(3);
    expect(store.cache[autotuneKey('test/kernel', 'other gpu')]!.winner).toBe('slow');
  });

  it('measures but never persists an adapter without a usable name', async () => {
    expect(isIdentifiableAdapter('unknown adapter, fallback')).toBe(false);
    expect(isIdentifiableAdapter('  ')).toBe(false);
    const store = memoryAutotuneStore();
    const result = await autotune(request('unknown adapter', store));
    expect(result).toMatchObject({ winner: 'fast', source: 'measured', persisted: false });
    expect(store.cache).toEqual({});
  });

  it('never fails on a broken store: measured, not persisted', async () => {
    const broken: AutotuneStore = {
      load: async () => {
        throw new Error('unreadable');
      },
      save: async () => {
        throw new Error('read-only');
      },
    };
    expect(await autotune(request('acme gpu 4', broken))).toMatchObject({ winner: 'fast', source: 'measured', persisted: false });
  });

  it('shares one measurement between concurrent first uses', async () => {
    const store = memoryAutotuneStore();
    const prepare = fakeCandidates(TIMES);
    const [a, b] = await Promise.all([autotune(request('acme gpu 5', store, prepare)), autotune(request('acme gpu 5', store, prepare))]);
    expect(a.winner).toBe('fast');
    expect(b.winner).toBe('fast');
    expect(prepare).toHaveBeenCalledTimes(3);
  });

  it('round-trips through a Storage (the browser store), and reads garbage as empty', async () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) } as Storage;
    const store = localStorageAutotuneStore(storage, 'test-key');
    await autotune(request('acme gpu 6', store));
    expect(JSON.parse(items.get('test-key')!)[autotuneKey('test/kernel', 'acme gpu 6')].winner).toBe('fast');
    items.set('test-key', '{not json');
    const r = request('acme gpu 7', store);
    expect(await autotune(r)).toMatchObject({ winner: 'fast', source: 'measured' });
  });
});

describe('autotune with a shipped prior', () => {
  /** A prior whose check is held until the test runs it (as the app's timer would, later). */
  function heldPrior(winner: (typeof CANDIDATES)[number]) {
    const checks: (() => Promise<void>)[] = [];
    return { prior: { winner, scheduleCheck: vi.fn((check: () => Promise<void>) => void checks.push(check)) }, checks };
  }

  it('on a miss decides the prior at once, times nothing, stores nothing, and schedules one check', async () => {
    const store = memoryAutotuneStore();
    const { prior, checks } = heldPrior('slow');
    const r = { ...request('prior gpu 1', store), prior };
    expect(await autotune(r)).toMatchObject({ winner: 'slow', source: 'prior', persisted: false });
    expect(r.prepare).not.toHaveBeenCalled();
    expect(store.cache).toEqual({});
    expect(prior.scheduleCheck).toHaveBeenCalledTimes(1);
    expect(checks).toHaveLength(1);
  });

  it('the check stores the measured winner under kernel@adapter for a later process; this process keeps the prior', async () => {
    const store = memoryAutotuneStore();
    const { prior, checks } = heldPrior('slow');
    const r = { ...request('prior gpu 2', store), prior };
    await autotune(r);
    await checks[0]!();
    expect(r.prepare).toHaveBeenCalledTimes(3);
    expect(store.cache[autotuneKey('test/kernel', 'prior gpu 2')]).toMatchObject({ winner: 'fast', timesMs: TIMES, shape: '4x4x4' });
    // Every later part of a run in this process binds the variant its first part bound.
    expect(await autotune(r)).toMatchObject({ winner: 'slow', source: 'memory' });
    expect(prior.scheduleCheck).toHaveBeenCalledTimes(1);
    // A later process (a new page load: nothing in memory, the same stored cache) uses the measured winner.
    const later = memoryAutotuneStore(store.cache);
    const laterPrior = heldPrior('slow');
    expect(await autotune({ ...request('prior gpu 2', later), prior: laterPrior.prior })).toMatchObject({ winner: 'fast', source: 'store' });
    expect(laterPrior.prior.scheduleCheck).not.toHaveBeenCalled();
  });

  it('a stored measurement wins over the prior; a prior that is no candidate is ignored and the candidates timed', async () => {
    const stored = memoryAutotuneStore({ [autotuneKey('test/kernel', 'prior gpu 3')]: { winner: 'medium', timesMs: {}, shape: '4x4x4', date: '' } });
    const { prior } = heldPrior('slow');
    expect(await autotune({ ...request('prior gpu 3', stored), prior })).toMatchObject({ winner: 'medium', source: 'store' });
    expect(prior.scheduleCheck).not.toHaveBeenCalled();
    const retired = { winner: 'retired' as never, scheduleCheck: vi.fn() };
    expect(await autotune({ ...request('prior gpu 4', memoryAutotuneStore()), prior: retired })).toMatchObject({ winner: 'fast', source: 'measured' });
    expect(retired.scheduleCheck).not.toHaveBeenCalled();
  });

  it('an adapter without a usable name takes the prior unchecked (its measurement could not be stored)', async () => {
    const { prior } = heldPrior('medium');
    const r = { ...request('unknown adapter', memoryAutotuneStore()), prior };
    expect(await autotune(r)).toMatchObject({ winner: 'medium', source: 'prior' });
    expect(prior.scheduleCheck).not.toHaveBeenCalled();
    expect(r.prepare).not.toHaveBeenCalled();
  });

  it('a check that fails stores nothing and never rejects', async () => {
    const store = memoryAutotuneStore();
    const { prior, checks } = heldPrior('slow');
    const prepare = vi.fn(async (): Promise<CandidateRun> => {
      throw new Error('device lost');
    });
    await autotune({ ...request('prior gpu 5', store), prepare, prior });
    await expect(checks[0]!()).resolves.toBeUndefined();
    expect(store.cache).toEqual({});
  });
});

describe('resolveMatmulAlgorithm', () => {
  // Only adapterDescription is read before any GPU work; overrides and store hits never touch the device.
  const fakeGpu = { adapterDescription: 'fake adapter for autotune tests' } as GpuContext;

  it('returns a forced algorithm as is, without timing', async () => {
    for (const algorithm of MATMUL_ALGORITHMS) expect(await resolveMatmulAlgorithm(fakeGpu, algorithm, { store: memoryAutotuneStore() })).toBe(algorithm);
  });

  it('ships register8 as the prior for SwiftShader (Chromium and Dawn name it alike), none for hardware adapters', () => {
    expect(matmulPrior('google swiftshader (SwiftShader driver 5.0.0), fallback')).toBe('register8');
    expect(matmulPrior('google swiftshader, fallback')).toBe('register8');
    expect(matmulPrior('nvidia hopper (NVIDIA H100 80GB HBM3)')).toBeUndefined();
    expect(matmulPrior('apple metal-3')).toBeUndefined();
  });

  it("'auto' on SwiftShader with nothing stored takes the prior without touching the device, and schedules its check once", async () => {
    const swiftShader = { adapterDescription: 'google swiftshader (resolve test), fallback' } as GpuContext;
    const store = memoryAutotuneStore();
    const scheduleCheck = vi.fn();
    expect(await resolveMatmulAlgorithm(swiftShader, 'auto', { store, scheduleCheck })).toBe('register8');
    expect(await resolveMatmulAlgorithm(swiftShader, 'auto', { store, scheduleCheck })).toBe('register8');
    expect(scheduleCheck).toHaveBeenCalledTimes(1);
    expect(store.cache).toEqual({});
  });

  it('the prior\'s check times the candidates on the device and stores the winner for the next process; this one keeps register8', async () => {
    await onGpu('matmul prior check', async (gpu) => {
      const named = { ...gpu, adapterDescription: 'google swiftshader (prior check test), fallback' };
      const store = memoryAutotuneStore();
      const checks: (() => Promise<void>)[] = [];
      const options = { store, rounds: 1, scheduleCheck: (check: () => Promise<void>) => void checks.push(check) };
      expect(await resolveMatmulAlgorithm(named, 'auto', options)).toBe('register8');
      await checks[0]!();
      const entry = store.cache[autotuneKey(MATMUL_TUNE_KERNEL, named.adapterDescription)]!;
      expect(MATMUL_ALGORITHMS).toContain(entry.winner);
      expect(entry.shape).toBe(matmulTuneShape(1));
      expect(Object.keys(entry.shortlistMs!).sort()).toEqual([...MATMUL_ALGORITHMS].sort());
      expect(await resolveMatmulAlgorithm(named, 'auto', options)).toBe('register8');
      expect(await resolveMatmulAlgorithm(named, 'auto', { ...options, store: memoryAutotuneStore(store.cache) })).toBe(entry.winner);
    });
  });

  it('a check on a device lost before it runs stores nothing', async () => {
    const gpu = await requestGpu();
    const named = { ...gpu, adapterDescription: 'google swiftshader (lost device test), fallback' };
    const store = memoryAutotuneStore();
    const checks: (() => Promise<void>)[] = [];
    expect(await resolveMatmulAlgorithm(named, 'auto', { store, rounds: 1, scheduleCheck: (check) => void checks.push(check) })).toBe('register8');
    gpu.device.destroy();
    await gpu.device.lost;
    await checks[0]!();
    expect(store.cache).toEqual({});
  });

  it("'auto' takes the adapter's stored winner", async () => {
    const shape = matmulTuneShape();
    const store = memoryAutotuneStore({ [autotuneKey(MATMUL_TUNE_KERNEL, fakeGpu.adapterDescription)]: { winner: 'register8', timesMs: {}, shape, date: '' } });
    expect(await resolveMatmulAlgorithm(fakeGpu, 'auto', { store })).toBe('register8');
  });
});

describe('matmul setting in the config and the trainer', () => {
  it("defaults kernels.matmul to 'auto', accepts each algorithm, names a bad one", async () => {
    expect(parseConfig({}).kernels.matmul).toBe('auto');
    for (const algorithm of MATMUL_ALGORITHMS) expect(parseConfig({ kernels: { matmul: algorithm } }).kernels.matmul).toBe(algorithm);
    expect(() => parseConfig({ kernels: { matmul: 'fastest' } })).toThrow(ConfigError);
    expect(() => parseConfig({ kernels: { matmul: 'fastest' } })).toThrow(/kernels\.matmul/);
    const problem = await buildProblem(parseConfig({ kernels: { matmul: 'tiled' }, data: { kind: 'teacher-student', sampleCount: 8 }, model: { width: 4 } }));
    expect(problem.trainer.matmulAlgorithm).toBe('tiled');
  });

  it('falls back from 64-wide register8 tiles to register for a narrow output side', () => {
    expect(fitAlgorithm('register8', { m: 1024, n: 2 })).toBe('register');
    expect(fitAlgorithm('register8', { m: 1024, n: 64 })).toBe('register8');
    expect(fitAlgorithm('tiled', { m: 1024, n: 2 })).toBe('tiled');
  });

  it('trains the same with every algorithm (same summation order: equal up to float32 rounding)', async () => {
    await onGpu('matmul algorithms in the trainer', async (gpu) => {
      const size = { width: 70, sampleCount: 65, inputDim: 3 };
      const config = { ...size, scaling: 'mean-field' as const, loss: 'square' as const, hasBias: true, trainable: 'both' as const, learningRate: 0.5, seed: 3, maxStepsPerSubmit: 4 };
      const init = initialWeights({ ...config });
      const data = { X: testValues(size.sampleCount * size.inputDim, 1), y: testValues(size.sampleCount, 2) };
      const losses: Float32Array[] = [];
      for (const matmulAlgorithm of MATMUL_ALGORITHMS) {
        const trainer = await TwoLayerTrainer.create(gpu, { ...config, matmulAlgorithm }, init, data);
        try {
          losses.push(await trainer.train(4));
        } finally {
          trainer.destroy();
        }
      }
      // Every variant sums t = 0..K-1 in order with fma, so the only differences are none; 1e-6 relative leaves room for a driver's fma contraction.
      for (const other of losses.slice(1)) other.forEach((value, i) => expect(Math.abs(value - losses[0]![i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(losses[0]![i]!) + 1e-9));
    });
  });
});
