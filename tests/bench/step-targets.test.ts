/** Issue 17's bench verdicts and tables from made-up rows (no GPU, no timing), and the spec-sheet lookup. */
import { describe, expect, it } from 'vitest';
import { adapterFamily, judgeStepTargets } from '../../bench/report';
import { formatTinyLine, tinyBackend, tinySpeedUps } from '../../bench/tiny-net-rows';
import { specPeak } from '../../bench/spec-peaks';
import { interleave } from '../../bench/interleave';
import type { InterleavedRow } from '../../bench/interleave';
import type { StepSize } from '../../bench/training-step';

const size = (width: number, sampleCount: number, inputDim: number): StepSize => ({ width, sampleCount, inputDim });
const row = (s: StepSize, backend: string, msPerStep: number, kernel?: string): InterleavedRow => ({ ...s, backend, msPerStep, gflops: 1 / msPerStep, ...(kernel ? { kernel } : {}) });
const SMALL = size(256, 256, 16);
const WIDE = size(256, 512, 32);
const BIG = size(1024, 1024, 32);
const TINY = size(32, 64, 2);

/** The page at the three target sizes: GradFlow at 1 ms, TF.js wasm at `wasmMs`, TF.js WebGPU at 20 ms. */
const page = (wasmMs: number) => [SMALL, WIDE, BIG].flatMap((s) => [row(s, 'gradflow-gpu', 1, 'unfused'), row(s, 'tfjs-webgpu', 20), row(s, 'tfjs-wasm', wasmMs)]);
const tiny = (autoMs: number, autoKernel: string) => [row(TINY, tinyBackend('unfused'), 10), row(TINY, tinyBackend('multi-step'), 0.5), row(TINY, tinyBackend('auto'), autoMs, autoKernel)];

describe('judgeStepTargets', () => {
  it('judges every target from its own rows', () => {
    const targets = judgeStepTargets({
      browserRows: page(2),
      nodeRows: [row(BIG, 'gradflow-gpu', 1.1)],
      tinyRows: [{ runtime: 'Node/Dawn', rows: tiny(0.5, 'multi-step') }],
      adapters: { node: 'google swiftshader (SwiftShader driver 5.0.0), fallback', browser: 'google swiftshader' },
    });
    expect(targets.map((t) => t.holds)).toEqual([true, true, true, true]);
    expect(targets[2]!.detail).toContain('(32, 64, 2) 20.0x [auto -> multi-step; multi-step 20.0x]');
  });

  it('misses each target on the wrong side of its bound', () => {
    const targets = judgeStepTargets({
      // wasm 1.4x GradFlow's time: ahead of it, but short of 1.5x.
      browserRows: [...page(1.4).filter((r) => !(r.backend === 'tfjs-webgpu' && r.width === 1024)), row(BIG, 'tfjs-webgpu', 0.9)],
      nodeRows: [row(BIG, 'gradflow-gpu', 1.3)],
      // 'auto' ran the unfused step: today's speed, whatever multi-step does.
      tinyRows: [{ runtime: 'Chromium', rows: tiny(10, 'unfused') }],
    });
    expect(targets.map((t) => t.holds)).toEqual([false, false, false, false]);
    expect(targets[1]!.detail).toContain('behind at (1024, 1024, 32) tfjs-webgpu');
  });

  it('leaves open what the run could not judge', () => {
    const open = judgeStepTargets({ browserRows: [], nodeRows: [row(BIG, 'gradflow-gpu', 1)], tinyRows: [] });
    expect(open.map((t) => t.holds)).toEqual([undefined, undefined, undefined, undefined]);
    // Node and Chromium on different adapters (a GPU in Node, SwiftShader in the page) are not compared.
    const apart = judgeStepTargets({ browserRows: page(2), nodeRows: [row(BIG, 'gradflow-gpu', 1)], tinyRows: [], adapters: { node: 'nvidia hopper (NVIDIA H100 80GB HBM3)', browser: 'google swiftshader' } });
    expect(apart[3]!.holds).toBeUndefined();
    expect(apart[3]!.detail).toContain('adapters differ');
  });

  it('counts a peer skipped at a smaller size as behind GradFlow, and one probed here by its probe', () => {
    const skipped: InterleavedRow[] = [row(BIG, 'gradflow-gpu', 5), { ...BIG, backend: 'tfjs-webgpu', skipped: 'slow at a smaller size' }, { ...BIG, backend: 'tfjs-wasm', probeMs: 4, skipped: 'over budget' }];
    const [, ahead] = judgeStepTargets({ browserRows: skipped, nodeRows: [], tinyRows: [] });
    expect(ahead!.holds).toBe(false);
    expect(ahead!.detail).toContain('behind at (1024, 1024, 32) tfjs-wasm');
  });
});

describe('tiny-net rows', () => {
  it('reads speed-ups over the unfused step of the same size only', () => {
    const rows = [...tiny(2, 'multi-step'), row(size(64, 256, 8), tinyBackend('auto'), 1, 'multi-step')];
    expect(tinySpeedUps(rows, 'auto')).toEqual([{ size: expect.objectContaining(TINY), x: 5, kernel: 'multi-step' }]);
    expect(formatTinyLine(tiny(2, 'multi-step'))).toBe('(32, 64, 2)     unfused 100 steps/s | multi-step 2,000 steps/s (20.0x) | auto -> multi-step 500 steps/s (5.0x)');
  });
});

describe('spec peaks and adapters', () => {
  it('names known GPUs, most specific first, and nothing else', () => {
    expect(specPeak('nvidia hopper (NVIDIA H100 80GB HBM3)')).toEqual({ name: 'NVIDIA H100 SXM', tflops: 67 });
    expect(specPeak('nvidia hopper (NVIDIA H100 PCIe)')?.tflops).toBe(51);
    expect(specPeak('nvidia hopper (NVIDIA H200)')?.tflops).toBe(67);
    expect(specPeak('nvidia ampere (NVIDIA A100-SXM4-80GB)')?.tflops).toBe(19.5);
    expect(specPeak('google swiftshader (SwiftShader driver 5.0.0), fallback')).toBeUndefined();
    expect(adapterFamily('google swiftshader (SwiftShader driver 5.0.0), fallback')).toBe('google swiftshader');
  });
});

describe('interleave probe', () => {
  it('probes probeSteps steps and sizes rounds by the time per step', async () => {
    const calls: number[] = [];
    const contender = { name: 'a', create: async () => ({ train: async (k: number) => void calls.push(k), dispose: () => undefined, kernel: 'multi-step' }) };
    const [result] = await interleave(TINY, [contender], { rounds: 1, probeSteps: 64, maxStepsPerRound: 1000, roundMs: 1e9 });
    expect(calls).toEqual([1, 64, 1000]);
    expect(result!.kernel).toBe('multi-step');
  });
});
