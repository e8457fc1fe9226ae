/**
 * Pre-flight size checks (src/models/run-set/preflight.ts): a config too large for the host or the device is a
 * ConfigError naming its fields, the estimate and the limit, before any data is drawn or buffer allocated.
 * Budgets and limits are passed in, so these run the same on any machine and need no GPU.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors';
import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../src/config/schema';
import type { GpuContext } from '../../src/gpu/device';
import { MODEL_KINDS } from '../../src/models/kinds';
import { prepareRunSet } from '../../src/models/run-set/prepare';
import { checkGpuFootprint, checkHostFootprint, gpuProblems, hostProblems, type HostBudget } from '../../src/models/run-set/preflight';
import { availableHostBudget } from '../../src/models/run-set/host-memory';
import { formatBytes } from '../../src/models/run-set/footprint-text';
import { PRESETS } from '../../src/experiments/presets';
import { runSetMembers } from '../../src/experiments/preset';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
/** A machine with 8 GiB free and a 4 GiB heap. */
const HOST: HostBudget = { availableBytes: 8 * GiB, heapBytes: 4 * GiB };
/** WebGPU's default limits, what an adapter offers at the least. */
const DEFAULT_LIMITS = { maxStorageBufferBindingSize: 128 * MiB, maxBufferSize: 256 * MiB };
/** SwiftShader's limits. */
const SWIFTSHADER_LIMITS = { maxStorageBufferBindingSize: GiB, maxBufferSize: GiB };

const config = (input: ExperimentConfigInput) => parseConfig(input);

/** The ConfigError `work` throws (or rejects with), for its message. */
async function configError(work: () => unknown): Promise<ConfigError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/** A device that only has limits: the check must refuse before anything is built on it. */
function fakeGpu(limits: typeof DEFAULT_LIMITS): () => Promise<GpuContext> {
  return async () => ({ device: { limits } as unknown as GPUDevice, adapterDescription: 'fake', isFallbackAdapter: false, runtime: 'node' });
}

describe('pre-flight size checks', () => {
  it('refuses model.width 1e9 in well under 2 s, naming model.width, before drawing a weight', async () => {
    const started = performance.now();
    const error = await configError(() => prepareRunSet([config({ model: { width: 1e9 } })], undefined, { hostBudget: HOST }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.message).toMatch(/host memory: the run needs an estimated \d+(\.\d)? GiB; 8 GiB is available; lower model\.width/);
    expect(error.message).toContain('model.width 1000000000 x data.inputDim 2 x 12 bytes = 22.4 GiB for the initial first-layer weights W');
    // No adapter indexes H [n x m] of 2.56e11 entries, whatever its limits.
    expect(error.message).toMatch(/data\.sampleCount 256 x model\.width 1000000000 x 4 bytes = 953\.7 GiB for the hidden activations H in one GPU buffer; no kernel indexes more than 2\^32 elements/);
  });

  it('refuses model.width 1e9 with this machine\'s own budget too', async () => {
    const error = await configError(() => prepareRunSet([config({ model: { width: 1e9 } })]));
    expect(error.message).toContain('model.width 1000000000');
  });

  it('names data.sampleCount and data.inputDim for 1e6 samples in d = 300, before any sample is drawn', async () => {
    const big = config({ data: { kind: 'teacher-student', sampleCount: 1e6, inputDim: 300 } });
    // The device's limits known up front: refused before prepare (drawing 3e8 normals takes far longer than this).
    const started = performance.now();
    const error = await configError(() => prepareRunSet([big], undefined, { hostBudget: HOST, gpuLimits: SWIFTSHADER_LIMITS }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.message).toContain('data.sampleCount 1000000 x data.inputDim 300 x 4 bytes = 1.1 GiB for the train inputs X in one GPU buffer; this adapter\'s largest storage buffer is 1 GiB (maxStorageBufferBindingSize); lower data.sampleCount or data.inputDim');
    // On a small host the draw itself is refused.
    const host = await configError(() => checkHostFootprint([big], { availableBytes: 2 * GiB, heapBytes: Infinity }));
    expect(host.message).toMatch(/host memory: the run needs an estimated 3\.\d GiB; 2 GiB is available; lower data\.sampleCount or data\.inputDim/);
    expect(host.message).toContain('data.sampleCount 1000000 x data.inputDim 300 x 12 bytes = 3.4 GiB for the train inputs X');
  });

  it('refuses a run set whose members together exceed the host budget, though each fits', () => {
    const member = (seed: number) => config({ seed, model: { width: 1e6 }, data: { kind: 'teacher-student', inputDim: 20 } });
    const one = MODEL_KINDS['two-layer'].footprint!(member(1)).hostBytes;
    const budget = { availableBytes: 2.5 * one, heapBytes: Infinity };
    expect(() => checkHostFootprint([member(1), member(2)], budget)).not.toThrow();
    const set = [1, 2, 3, 4].map(member);
    expect(() => checkHostFootprint(set, budget)).toThrow(ConfigError);
    const [summary, ...arrays] = hostProblems(set, budget);
    expect(summary).toMatch(new RegExp(`^host memory: the run set's 4 members need an estimated .*; ${formatBytes(budget.availableBytes)} is available; lower model\\.width or data\\.inputDim, or run fewer members at once$`));
    // The same array of every seed is named once.
    const texts = arrays.map((line) => line.replace(/^member \d+: /, ''));
    expect(new Set(texts).size).toBe(texts.length);
    expect(arrays[0]).toMatch(/^member 0: model\.width 1000000 x data\.inputDim 20 x/);
  });

  it('passes an ordinary config, and every preset within SwiftShader\'s limits and 2 GiB of host memory', async () => {
    await expect(prepareRunSet([config({ steps: 5 })], undefined, { hostBudget: HOST, gpuLimits: DEFAULT_LIMITS })).resolves.toBeDefined();
    expect(hostProblems([config({})], availableHostBudget())).toEqual([]);
    for (const preset of PRESETS) {
      const configs: ExperimentConfig[] = runSetMembers(preset, 'full').map((member) => member.config);
      expect(hostProblems(configs, { availableBytes: 2 * GiB, heapBytes: GiB }), preset.name).toEqual([]);
      expect(gpuProblems(configs, SWIFTSHADER_LIMITS), preset.name).toEqual([]);
    }
  });

  it('checks each GPU buffer against the device\'s smaller limit, and names that limit', () => {
    const wide = config({ model: { width: 1e6 } });
    const lines = gpuProblems([wide], DEFAULT_LIMITS);
    expect(lines[0]).toBe('data.sampleCount 256 x model.width 1000000 x 4 bytes = 976.6 MiB for the hidden activations H in one GPU buffer; this adapter\'s largest storage buffer is 128 MiB (maxStorageBufferBindingSize); lower data.sampleCount or model.width');
    expect(gpuProblems([wide], { maxStorageBufferBindingSize: 2 * GiB, maxBufferSize: 512 * MiB })[0]).toContain('this adapter\'s largest storage buffer is 512 MiB (maxBufferSize)');
    expect(gpuProblems([wide], SWIFTSHADER_LIMITS)).toEqual([]);
    // The NTK's Gram is n x n: the metric, not the network, is what does not fit.
    const ntk = config({ data: { kind: 'teacher-student', sampleCount: 20000 }, metrics: { names: ['loss', 'ntkLambdaMin'] } });
    expect(gpuProblems([ntk], SWIFTSHADER_LIMITS).join('\n')).toMatch(/data\.sampleCount 20000 x data\.sampleCount 20000 x 4 bytes = 1\.5 GiB for the NTK Gram K in one GPU buffer/);
    // A float64 run allocates no GPU buffer.
    expect(() => checkGpuFootprint([config({ model: { width: 1e6 }, backend: 'float64' })], DEFAULT_LIMITS)).not.toThrow();
  });

  it('checks the device\'s limits when the simulation gets its device, before building anything on it', async () => {
    const set = await prepareRunSet([config({ steps: 5 })], undefined, { hostBudget: HOST });
    const error = await configError(() => set.createSimulation(fakeGpu({ maxStorageBufferBindingSize: 64 * 1024, maxBufferSize: 64 * 1024 })));
    expect(error.message).toContain('data.sampleCount 256 x model.width 256 x 4 bytes = 256 KiB for the hidden activations H in one GPU buffer; this adapter\'s largest storage buffer is 64 KiB');
  });

  it('refuses float64 landscape particles beyond the JavaScript heap, and a landscape beyond the device', () => {
    const particles = (particleCount: number, backend: 'gpu' | 'float64') =>
      config({ backend, model: { kind: 'landscape', spec: { kind: 'strict-saddle', particleCount, learningRate: 0.1 }, start: { point: [1, 1] } } });
    const heap = hostProblems([particles(1e7, 'float64')], { availableBytes: 64 * GiB, heapBytes: 4 * GiB });
    expect(heap[0]).toMatch(/^JavaScript heap: the run needs an estimated 5\.\d GiB; 4 GiB is available .*; lower model\.spec\.particleCount$/);
    expect(gpuProblems([particles(1e9, 'gpu')], SWIFTSHADER_LIMITS)[0]).toContain('4 x model.spec.particleCount 1000000000 x 4 bytes = 14.9 GiB for the particle statistics in one GPU buffer');
  });

  it('refuses a linear model whose samples exceed the host, and a host array past 2^32 entries', () => {
    const linear = config({ model: { kind: 'linear' }, loss: 'logistic', data: { kind: 'linear-separable', sampleCount: 1e7, inputDim: 300 } });
    expect(hostProblems([linear], HOST)[0]).toMatch(/^host memory: .*; lower data\.sampleCount or data\.inputDim$/);
    const long = config({ model: { width: 1e8 }, metrics: { names: ['loss', 'maskChangeFraction'] } });
    expect(hostProblems([long], { availableBytes: Infinity, heapBytes: Infinity })).toEqual([
      'data.sampleCount 256 x model.width 100000000 x 4 bytes = 95.4 GiB for the activations H and H(0) on the train set: 25600000000 values in one array, and a JavaScript typed array holds at most 2^32; lower data.sampleCount or model.width',
    ]);
  });
});
