/**
 * How the trainer turns gradients into new parameters, behind one small interface:
 *
 *   fused GD      1 pass per step:  [forward, backward] + update_neurons (a, w, b read and written once)
 *                                   [+ normalize_rows: the retraction onto the sphere, when settings.sphere]
 *   optimizer     1 pass per step:  [forward, backward] + GpuOptimizer.encodeUpdate (momentum, Adam, ...,
 *                                   or plain GD under a learning-rate schedule)
 *   SAM           2 passes:         [forward, backward] + perturb;  [forward, backward] + restore + update
 *   JKO           K inner passes:   anchor = theta; K x ([forward, backward] + proximal term + GD step)
 *
 * Per-step values (learning rate from the schedule, Adam's step index, the loss slot) live in a table
 * copied into the kernels' uniforms before each step, so all steps of a submit run without the CPU.
 *
 * Every path gets the run's base rate lr0 as an absolute value per chunk (prepare) and c_s from stepScales:
 * fused GD writes the step sizes lr0 c_s (neuronStepSizes, rounded once to float32); the optimizer kernels
 * take c_s per tensor and the step's rate rateAt(t, lr0), and form u = c_s g themselves because the rules
 * act on u; JKO moves tau with lr0 (jkoTau).
 */
import type { GpuContext } from '../../gpu/device';
import type { BoundKernel } from '../../gpu/kernel';
import { bindNormalizeRows, bindUpdateNeurons, neuronStepSizes, updateNeuronsParams } from '../../kernels/particles';
import { GpuOptimizer, type LabelledTensor } from '../../optim/gpu-optimizer';
import { GpuProximalTerm } from '../../optim/gpu-proximal';
import type { OptimizerRule } from '../../core/update-rules';
import type { WeightBuffers } from './passes';
import { isPlainGd, jkoTau, rateAt, stepScales, type UpdateSettings } from '../../core/update-settings';
import { type JkoSettings } from '../../core/network';

export interface GradientBuffers {
  readonly gradA: GPUBuffer;
  readonly gradW: GPUBuffer;
  readonly gradB?: GPUBuffer;
}

export interface TrainerUpdate {
  /** Forward-backward passes per step. */
  readonly passesPerStep: number;
  /**
   * Called just before the chunk of steps first .. first + count - 1 is encoded, with the base rate lr0 in
   * force when that chunk was requested (absolute, in the scaling's own units). Returns per-step tables
   * (destroy after the submit).
   */
  prepare(queue: GPUQueue, firstStep: number, count: number, learningRate: number): GPUBuffer[];
  /** Copies before step t's first pass (outside a compute pass). */
  beforeStep(encoder: GPUCommandEncoder, t: number, tables: readonly GPUBuffer[]): void;
  /** Kernels after the forward-backward kernels of pass `passIndex`. */
  afterPass(pass: GPUComputePassEncoder, passIndex: number): void;
  /** Buffers that carry state from step to step (optimizer moments, running sums): part of a checkpoint. */
  readonly stateBuffers: readonly GPUBuffer[];
  destroy(): void;
}

export async function bindTrainerUpdate(gpu: GpuContext, settings: UpdateSettings, weights: WeightBuffers, grads: GradientBuffers, losses: GPUBuffer): Promise<TrainerUpdate> {
  if (settings.jko) return bindJko(gpu, { ...settings, jko: settings.jko }, tensorsOf(settings, weights, grads));
  if (isPlainGd(settings)) return bindFusedGd(gpu, settings, weights, grads);
  return bindOptimizer(gpu, settings, settings.optimizer ?? { kind: 'gd' }, tensorsOf(settings, weights, grads), losses);
}

function tensorsOf(settings: UpdateSettings, weights: WeightBuffers, grads: GradientBuffers): LabelledTensor[] {
  const { width: m, inputDim: d } = settings;
  const scale = stepScales(settings);
  const tensors: LabelledTensor[] = [
    { label: 'a', param: weights.a, grad: grads.gradA, elementCount: m, stepScale: scale.a },
    { label: 'W', param: weights.W, grad: grads.gradW, elementCount: m * d, stepScale: scale.w },
  ];
  if (weights.b && grads.gradB) tensors.push({ label: 'b', param: weights.b, grad: grads.gradB, elementCount: m, stepScale: scale.w });
  return tensors;
}

async function bindFusedGd(gpu: GpuContext, settings: UpdateSettings, weights: WeightBuffers, grads: GradientBuffers): Promise<TrainerUpdate> {
  const shape = { width: settings.width, inputDim: settings.inputDim };
  const update: BoundKernel = await bindUpdateNeurons(gpu, { hasBias: settings.hasBias }, shape, neuronStepSizes(settings, settings.width), {
    ...weights, gradA: grads.gradA, gradW: grads.gradW, ...(grads.gradB ? { gradB: grads.gradB } : {}),
  });
  const retract = settings.sphere ? await bindNormalizeRows(gpu, shape, weights.W) : undefined;
  return {
    passesPerStep: 1,
    prepare: (queue, _first, _count, learningRate) => {
      update.writeParams(queue, updateNeuronsParams(shape, neuronStepSizes({ ...settings, learningRate }, settings.width)));
      return [];
    },
    beforeStep: () => {},
    afterPass: (pass) => {
      update.encode(pass);
      retract?.encode(pass);
    },
    stateBuffers: [],
    destroy: () => {
      update.destroy();
      retract?.destroy();
    },
  };
}

async function bindOptimizer(gpu: GpuContext, settings: UpdateSettings, rule: OptimizerRule, tensors: LabelledTensor[], losses: GPUBuffer): Promise<TrainerUpdate> {
  const optimizer = await GpuOptimizer.create(gpu, rule, tensors, { losses });
  const sam = rule.kind === 'sam';
  return {
    passesPerStep: sam ? 2 : 1,
    prepare: (_queue, firstStep, count, learningRate) => [
      optimizer.createStepTable(Array.from({ length: count }, (_, t) => ({ stepIndex: firstStep + t, learningRate: rateAt(settings, firstStep + t, learningRate), lossSlot: t }))),
    ],
    beforeStep: (encoder, t, tables) => optimizer.copyStep(encoder, tables[0]!, t),
    afterPass: (pass, passIndex) => (sam && passIndex === 0 ? optimizer.encodePerturb(pass) : optimizer.encodeUpdate(pass)),
    stateBuffers: [...optimizer.state.flatMap((buffers) => Object.values(buffers).filter((b): b is GPUBuffer => b !== undefined)), ...(optimizer.scalars ? [optimizer.scalars] : [])],
    destroy: () => optimizer.destroy(),
  };
}

async function bindJko(gpu: GpuContext, settings: UpdateSettings & { readonly jko: JkoSettings }, tensors: LabelledTensor[]): Promise<TrainerUpdate> {
  const { jko } = settings;
  const proximal = await GpuProximalTerm.create(gpu, tensors, jko.tau);
  const inner = await GpuOptimizer.create(gpu, { kind: 'gd' }, tensors, { initialStep: { stepIndex: 0, learningRate: jko.innerLearningRate } });
  return {
    passesPerStep: jko.innerSteps,
    // tau plays the role of the step size: it moves with the run's rate.
    prepare: (_queue, _first, _count, learningRate) => {
      const tau = jkoTau(settings, learningRate);
      if (proximal.tau !== tau) proximal.setTau(tau);
      return [];
    },
    beforeStep: (encoder) => proximal.copyAnchor(encoder),
    afterPass: (pass) => {
      proximal.encode(pass);
      inner.encodeUpdate(pass);
    },
    // The anchor is rewritten at every outer step and inner GD keeps no state.
    stateBuffers: [],
    destroy: () => {
      proximal.destroy();
      inner.destroy();
    },
  };
}
