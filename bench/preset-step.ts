/**
 * One preset's training steps on the GPU with kernels.step 'unfused' against 'auto', interleaved (median-rounds.ts),
 * steps only: no metric is evaluated. A single run is its TwoLayerTrainer, built from the config's Problem as
 * GpuSimulation builds it, whose `stepKernel` says what 'auto' resolved to. A run set is the set the CLI runs
 * (prepareRunSet: lanes of batched members, the rest alone); one of its steps advances every member. The
 * simulations hide their trainers, so a set's kernels are resolved here as the lanes and trainers resolve them
 * (resolveStepKernel on each member's trainer config).
 */
import type { GpuContext } from '../src/gpu/device';
import type { ExperimentConfig } from '../src/config/schema';
import type { ReadText } from '../src/data/create';
import type { StepKernel } from '../src/core/step-kernels';
import { buildProblem, type Problem } from '../src/models/two-layer/problem';
import { TwoLayerTrainer } from '../src/models/two-layer/trainer';
import { resolveStepKernel } from '../src/models/two-layer/step-choice';
import { prepareRunSet } from '../src/models/run-set/prepare';
import type { Contender, Trainable } from './interleave';
import { medianRounds, pairedSpeedUp, type MedianRoundsOptions } from './median-rounds';
import type { PresetTarget } from './preset-targets';
import { describeKernels, type PresetBenchRow, type StepShape } from './preset-rows';

/** Submits `steps` in chunks of at most `chunk` without waiting in between, as the run scheduler does, and waits for all. */
async function submitInChunks(target: { submitSteps(stepCount: number): Promise<unknown> }, steps: number, chunk: number): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let done = 0; done < steps; done += chunk) pending.push(target.submitSteps(Math.min(chunk, steps - done)));
  await Promise.all(pending);
}

/** The batch a step trains on, as the trainer takes it: online draws, a minibatch, or all n samples. */
function batchSize(problem: Problem): number {
  const t = problem.trainer;
  return t.online?.batchSize ?? t.batchSize ?? t.sampleCount;
}

export function stepShape(problem: Problem): StepShape {
  const t = problem.trainer;
  return { width: t.width, sampleCount: t.sampleCount, inputDim: t.inputDim, batchSize: batchSize(problem) };
}

function trainerContender(gpu: GpuContext, name: string, config: ExperimentConfig, readText: ReadText): Contender {
  return {
    name,
    create: async (): Promise<Trainable> => {
      const problem = await buildProblem(config, readText);
      const trainer = await TwoLayerTrainer.create(gpu, problem.trainer, problem.init, problem.train);
      return {
        kernel: trainer.stepKernel,
        train: (steps) => submitInChunks(trainer, steps, trainer.config.maxStepsPerSubmit),
        dispose: () => trainer.destroy(),
      };
    },
  };
}

interface RunSetContender extends Contender {
  /** The set's lanes and lone members, once created. */
  groups?: readonly (readonly number[])[];
}

function runSetContender(gpu: GpuContext, name: string, configs: readonly ExperimentConfig[], readText: ReadText): RunSetContender {
  const contender: RunSetContender = {
    name,
    create: async (): Promise<Trainable> => {
      const set = await prepareRunSet(configs, readText, { gpuLimits: gpu.device.limits });
      contender.groups = set.groups;
      const simulation = await set.createSimulation(async () => gpu);
      return { train: (steps) => submitInChunks(simulation, steps, configs[0]!.stepsPerSubmit), dispose: () => simulation.destroy() };
    },
  };
  return contender;
}

/** Each member's kernel under kernels.step 'auto', as its lane or its trainer resolves it. */
async function resolvedKernels(gpu: GpuContext, problems: readonly Problem[]): Promise<StepKernel[]> {
  const kernels: StepKernel[] = [];
  for (const problem of problems) kernels.push(await resolveStepKernel(gpu, { ...problem.trainer, batchSize: batchSize(problem) }));
  return kernels;
}

export async function benchPreset(gpu: GpuContext, target: PresetTarget, readText: ReadText, options: MedianRoundsOptions = {}): Promise<PresetBenchRow> {
  const unfused = target.configs('unfused');
  const auto = target.configs('auto');
  const problems = await Promise.all(auto.map((config) => buildProblem(config, readText)));
  const shapes = problems.map(stepShape);
  if (!target.runSet) {
    const [u, a] = await medianRounds([trainerContender(gpu, 'unfused', unfused[0]!, readText), trainerContender(gpu, 'auto', auto[0]!, readText)], options);
    const kernels = [a!.kernel as StepKernel];
    return { preset: target.name, notes: target.notes, members: 1, shapes, autoKernels: kernels, autoKernelSource: 'trainer.stepKernel', autoPick: describeKernels(kernels), unfused: u!, auto: a!, speedUp: pairedSpeedUp(u!, a!) };
  }
  const contenders = [runSetContender(gpu, 'unfused', unfused, readText), runSetContender(gpu, 'auto', auto, readText)] as const;
  const [u, a] = await medianRounds(contenders, options);
  const kernels = await resolvedKernels(gpu, problems);
  const groups = { unfused: contenders[0].groups!, auto: contenders[1].groups! };
  return {
    preset: target.name, notes: target.notes, members: auto.length, shapes, autoKernels: kernels, autoKernelSource: 'resolveStepKernel on each member\'s trainer config',
    autoPick: describeKernels(kernels, groups.auto), groups, unfused: u!, auto: a!, speedUp: pairedSpeedUp(u!, a!),
  };
}
