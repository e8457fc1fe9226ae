/**
 * A sweep two ways, side by side in one process: its members as one run set (batched lanes, one set of
 * dispatches per step per lane) against the same members run one after another, each as its own
 * simulation. Both advance every member by the same steps; rounds alternate (set, sequential, set, ...)
 * so drift on the software adapter hits both. Peak GPU memory: every buffer the set creates (counted
 * by wrapping device.createBuffer), against the members' own runs' peaks and against the sum of the
 * members' minimum (a, W and their gradients, X, y and the n x m activation H, float32).
 * Runs in Node (bench/run.ts) and in the bench page (bench/browser/page.ts).
 */
import type { GpuContext } from '../src/gpu/device';
import { expandSweep } from '../src/config/run-set';
import type { ExperimentConfig } from '../src/config/schema';
import type { Simulation } from '../src/core/simulation';
import { prepareRunSet } from '../src/models/run-set/prepare';
import { prepareRun } from '../src/run/run-experiment';
import { watchDevice } from './instrument';

export interface RunSetBenchSpec {
  readonly label: string;
  /** (n, d) of the shared data. */
  readonly sampleCount: number;
  readonly inputDim: number;
  /** GD steps each member takes per timed round. */
  readonly steps: number;
  /** The grid of the members (config path -> values). */
  readonly sweep: Record<string, readonly unknown[]>;
}

export interface RunSetBenchRow {
  readonly label: string;
  readonly members: number;
  /** How the set steps: lanes of batched members and members on their own. */
  readonly groups: readonly (readonly number[])[];
  /** One step of every member. */
  readonly setMsPerStep: number;
  readonly sequentialMsPerStep: number;
  readonly speedUp: number;
  /**
   * Sequential time over the slowest member's own: no schedule of the same work beats it by more, since the set
   * still does every member's arithmetic (what batching removes is per-dispatch overhead).
   */
  readonly speedUpBound: number;
  readonly setPeakBytes: number;
  /** Sum over members of each one's peak run alone. */
  readonly sequentialPeakBytes: number;
  /** Sum over members of the minimum a step needs. */
  readonly minimumBytes: number;
  readonly rounds: number;
}

/** The 8-width sweep and the 16-seed set of issue 13's benchmark. */
export const RUN_SET_BENCHES: readonly RunSetBenchSpec[] = [
  { label: '8 widths m = 64..8192 (n = 256, d = 8)', sampleCount: 256, inputDim: 8, steps: 200, sweep: { 'model.width': [64, 128, 256, 512, 1024, 2048, 4096, 8192] } },
  { label: '16 seeds at m = 1024 (n = 256, d = 8)', sampleCount: 256, inputDim: 8, steps: 200, sweep: { seed: Array.from({ length: 16 }, (_, k) => k + 1) } },
];

export function runSetBenchConfigs(spec: RunSetBenchSpec, matmul: string): ExperimentConfig[] {
  const base = {
    name: 'run-set-bench',
    steps: spec.steps,
    stepsPerSubmit: spec.steps,
    checkpointEvery: 0,
    loss: 'square',
    model: { width: 1024, scaling: 'mean-field' },
    // The data's own seed: a seed sweep shares one data set.
    data: { kind: 'teacher-student', sampleCount: spec.sampleCount, testCount: 0, inputDim: spec.inputDim, seed: 1, teacher: { kind: 'random', width: 4 } },
    optimizer: { learningRate: 0.1 },
    metrics: { every: spec.steps, names: ['loss'] },
    kernels: { matmul },
    sweep: spec.sweep,
  };
  return expandSweep(base).map((member) => member.config);
}

function minimumBytes(config: ExperimentConfig): number {
  if (config.model.kind !== 'two-layer' || config.data.kind !== 'teacher-student') throw new Error('run-set bench: two-layer teacher-student configs only');
  const { width: m } = config.model;
  const { sampleCount: n, inputDim: d } = config.data;
  return 4 * (2 * (m * d + m) + n * d + n + n * m);
}

async function advance(simulation: Simulation<unknown>, steps: number, chunk: number): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let taken = 0; taken < steps; taken += chunk) pending.push(simulation.submitSteps(Math.min(chunk, steps - taken)));
  await Promise.all(pending);
}

export async function benchRunSet(gpu: GpuContext, spec: RunSetBenchSpec, options: { rounds?: number; matmul?: string } = {}): Promise<RunSetBenchRow> {
  const configs = runSetBenchConfigs(spec, options.matmul ?? 'auto');
  const rounds = options.rounds ?? 2;
  const getGpu = async () => gpu;
  const chunk = configs[0]!.stepsPerSubmit;
  const watch = watchDevice(gpu.device);
  try {
    // Peaks first, each on its own: the set, then every member alone (a warm-up step compiles pipelines).
    const set = await prepareRunSet(configs);
    watch.resetPeak();
    let base = watch.liveBytes;
    const together = await set.createSimulation(getGpu);
    await advance(together, 1, 1);
    const setPeakBytes = watch.peakBytes - base;
    const runs = await Promise.all(configs.map((config) => prepareRun(config)));
    const alone: Simulation<unknown>[] = [];
    let sequentialPeakBytes = 0;
    for (const run of runs) {
      watch.resetPeak();
      base = watch.liveBytes;
      const simulation = await run.createSimulation(getGpu);
      await advance(simulation, 1, 1);
      sequentialPeakBytes += watch.peakBytes - base;
      alone.push(simulation);
    }
    let setMs = 0;
    let sequentialMs = 0;
    const memberMs = alone.map(() => 0);
    try {
      for (let round = 0; round < rounds; round++) {
        let started = performance.now();
        await advance(together, spec.steps, chunk);
        setMs += performance.now() - started;
        for (const [k, simulation] of alone.entries()) {
          started = performance.now();
          await advance(simulation, spec.steps, chunk);
          const ms = performance.now() - started;
          memberMs[k] += ms;
          sequentialMs += ms;
        }
      }
    } finally {
      together.destroy();
      for (const simulation of alone) simulation.destroy();
    }
    const setMsPerStep = setMs / (rounds * spec.steps);
    const sequentialMsPerStep = sequentialMs / (rounds * spec.steps);
    return {
      label: spec.label, members: configs.length, groups: set.groups, setMsPerStep, sequentialMsPerStep, speedUp: sequentialMsPerStep / setMsPerStep,
      speedUpBound: sequentialMs / Math.max(...memberMs),
      setPeakBytes, sequentialPeakBytes, minimumBytes: configs.reduce((sum, config) => sum + minimumBytes(config), 0), rounds,
    };
  } finally {
    watch.stop();
  }
}

const MIB = 2 ** 20;

/** The table rows and the targets: >= 3x for the width sweep, never slower, memory within 1.1x. */
export function formatRunSetRows(where: string, rows: readonly RunSetBenchRow[]): string[] {
  const lines = [
    `| ${where} | members | lanes | run set ms/step | sequential ms/step | speed-up | bound (sequential / slowest member) | set peak MiB | members' own peaks MiB | members' minimum MiB | set / own peaks | set / minimum |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const lanes = row.groups.map((group) => group.length).join('+');
    lines.push(
      `| ${row.label} | ${row.members} | ${lanes} | ${row.setMsPerStep.toFixed(1)} | ${row.sequentialMsPerStep.toFixed(1)} | ${row.speedUp.toFixed(2)}x | ${row.speedUpBound.toFixed(2)}x | ` +
        `${(row.setPeakBytes / MIB).toFixed(1)} | ${(row.sequentialPeakBytes / MIB).toFixed(1)} | ${(row.minimumBytes / MIB).toFixed(1)} | ` +
        `${(row.setPeakBytes / row.sequentialPeakBytes).toFixed(2)}x | ${(row.setPeakBytes / row.minimumBytes).toFixed(2)}x |`,
    );
  }
  return lines;
}

export function runSetTargets(where: string, rows: readonly RunSetBenchRow[]): { name: string; holds: boolean; detail: string }[] {
  const widths = rows.find((row) => row.label.startsWith('8 widths'));
  return [
    ...(widths ? [{ name: `${where}: 8-width sweep as a run set >= 3x faster than sequential`, holds: widths.speedUp >= 3, detail: `${widths.speedUp.toFixed(2)}x` }] : []),
    { name: `${where}: run set never slower than sequential`, holds: rows.every((row) => row.speedUp >= 1), detail: rows.map((row) => `${row.speedUp.toFixed(2)}x`).join(', ') },
    { name: `${where}: run set peak memory within 1.1x of the members' own peaks`, holds: rows.every((row) => row.setPeakBytes <= 1.1 * row.sequentialPeakBytes), detail: rows.map((row) => `${(row.setPeakBytes / row.sequentialPeakBytes).toFixed(2)}x`).join(', ') },
  ];
}
