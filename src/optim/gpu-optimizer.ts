/**
 * An optimizer over a model's parameter tensors on the GPU: allocates the rule's state and the scalars
 * buffer, binds one kernel per tensor and entry point, and encodes them in the right order. A trainer
 * plugs it in where it encoded update_neurons:
 *
 *   plain rules    pass: [forward, loss, backward] + encodeUpdate
 *   sam            pass 1: [forward, loss, backward] + encodePerturb     (theta <- theta + rho u/|u|_M)
 *                  pass 2: [forward, loss, backward] + encodeUpdate      (restore theta, base update)
 *
 * and, when many steps share one submit, calls copyStep(encoder, table, k) before step k's first pass
 * (tables from createStepTable: learning rate, loss slot and Adam's bias correction per step).
 */
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import type { BoundKernel } from '../gpu/kernel';
import { bindOptimizerUpdate, checkStepInfo, optimizerUpdateParams, type OptimizerStepInfo } from '../kernels/optim';
import { bindNormTotal, bindSquaredNorm } from '../kernels/optim-norms';
import { bindSamPerturb, bindSamRestore } from '../kernels/optim-sam';
import { createOptimizerScalars, createOptimizerStateBuffers } from '../kernels/optim-buffers';
import { checkOptimizerRule, type OptimizerStateBuffers, type OptimizerTensor } from '../kernels/optim-arguments';
import { updateNeedsGradientNorm, updateRuleOf, type OptimizerRule, type OptimizerRuleInput } from '../core/update-rules';

const NAME = 'optim/gpu-optimizer';

/** A tensor with a label for its state buffers, e.g. 'W'. */
export interface LabelledTensor extends OptimizerTensor {
  readonly label: string;
}

export interface GpuOptimizerOptions {
  /** f32 losses with L of step k at slot k; required by normalized-gd with normalizer 'loss'. */
  readonly losses?: GPUBuffer;
  /** Step info the update kernels start with (default stepIndex 0, learning rate 0: set it before use). */
  readonly initialStep?: OptimizerStepInfo;
}

export class GpuOptimizer {
  private constructor(
    private readonly gpu: GpuContext,
    readonly rule: OptimizerRule,
    readonly tensors: readonly LabelledTensor[],
    /** State buffers per tensor, in tensor order ({} for a frozen tensor). */
    readonly state: readonly OptimizerStateBuffers[],
    /** The scalars buffer ([0] |u|_M^2, [1] its running sum, then partials), when the rule needs norms. */
    readonly scalars: GPUBuffer | undefined,
    private readonly perturbKernels: readonly BoundKernel[],
    private readonly updateKernels: readonly BoundKernel[],
    /** The optimizer_update kernels, one per trained tensor: the ones whose params change per step. */
    private readonly stepKernels: readonly BoundKernel[],
    private readonly losses: GPUBuffer | undefined,
  ) {}

  /**
   * Binds `rule` over `tensors`. Frozen tensors (stepScale 0) get no kernels at all: they stay
   * bit-identical and add nothing to |u|_M.
   */
  static async create(gpu: GpuContext, ruleInput: OptimizerRuleInput, tensors: readonly LabelledTensor[], options: GpuOptimizerOptions = {}): Promise<GpuOptimizer> {
    const rule = checkOptimizerRule(NAME, ruleInput);
    if (tensors.length === 0) throw new KernelArgumentError(NAME, 'tensors', 'is empty; give at least one parameter tensor');
    const initialStep = options.initialStep ?? { stepIndex: 0, learningRate: 0 };
    const base = updateRuleOf(rule);
    const needsNorm = rule.kind === 'sam' || updateNeedsGradientNorm(base);
    const trained = tensors.map((tensor) => tensor.stepScale !== 0);
    const state = tensors.map((tensor, s) => (trained[s] ? createOptimizerStateBuffers(gpu, rule, tensor.elementCount, `${NAME}/${tensor.label}`) : {}));
    const scalarsAllocation = needsNorm ? createOptimizerScalars(gpu, tensors.map((tensor) => tensor.elementCount), `${NAME}/scalars`) : undefined;
    const scalars = scalarsAllocation?.buffer;
    const shared = { ...(scalars ? { scalars } : {}), ...(options.losses ? { losses: options.losses } : {}) };

    const active = tensors.flatMap((tensor, s) => (trained[s] ? [{ tensor, s }] : []));
    const norms: BoundKernel[] = [];
    if (scalarsAllocation) {
      for (const { tensor, s } of active) norms.push(await bindSquaredNorm(gpu, tensor, scalarsAllocation.buffer, scalarsAllocation.layout.partialOffsets[s]!));
    }
    const total = (accumulate: boolean) => bindNormTotal(gpu, scalarsAllocation!.buffer, scalarsAllocation!.layout.partialCount, accumulate);
    const steps: BoundKernel[] = [];
    for (const { tensor, s } of active) steps.push(await bindOptimizerUpdate(gpu, rule, tensor, state[s]!, shared, initialStep));

    const perturb: BoundKernel[] = [];
    const update: BoundKernel[] = [];
    if (rule.kind === 'sam') {
      perturb.push(...norms, await total(false));
      for (const { tensor, s } of active) perturb.push(await bindSamPerturb(gpu, rule, tensor, state[s]!.saved!, scalars!));
      for (const { tensor, s } of active) update.push(await bindSamRestore(gpu, tensor, state[s]!.saved!));
    }
    if (updateNeedsGradientNorm(base)) update.push(...norms, await total(base.kind === 'adanorm'));
    update.push(...steps);
    return new GpuOptimizer(gpu, rule, tensors, state, scalars, perturb, update, steps, options.losses);
  }

  /** SAM's first half: |u|_M of the gradient at theta, then theta <- theta + rho u / |u|_M (theta saved). */
  encodePerturb(pass: GPUComputePassEncoder): void {
    if (this.rule.kind !== 'sam') throw new KernelArgumentError(NAME, 'rule.kind', `is '${this.rule.kind}'; only 'sam' has a perturbation pass`);
    for (const kernel of this.perturbKernels) kernel.encode(pass);
  }

  /** The update from the current gradients (for SAM: restore theta, then the base rule's update). */
  encodeUpdate(pass: GPUComputePassEncoder): void {
    for (const kernel of this.updateKernels) kernel.encode(pass);
  }

  /** Sets the step info for the next submit (queue write; for one step per submit). */
  setStep(step: OptimizerStepInfo): void {
    checkStepInfo(NAME, this.rule, step, this.losses);
    this.trainedTensors().forEach((tensor, k) => this.stepKernels[k]!.writeParams(this.gpu.device.queue, optimizerUpdateParams(this.rule, tensor, step)));
  }

  /** Bytes of one step's row in a step table. */
  get stepTableStride(): number {
    return this.stepKernels.reduce((bytes, kernel) => bytes + kernel.paramsByteLength, 0);
  }

  /** A COPY_SRC buffer with one row of update params per step, for copyStep. Destroy it after the submit. */
  createStepTable(steps: readonly OptimizerStepInfo[]): GPUBuffer {
    if (steps.length === 0) throw new KernelArgumentError(NAME, 'steps', 'is empty');
    steps.forEach((step) => checkStepInfo(NAME, this.rule, step, this.losses));
    const stride = this.stepTableStride;
    const table = createStorageBuffer(this.gpu, `${NAME}/step-table`, Math.max(1, stride * steps.length));
    const rows = new Uint8Array(stride * steps.length);
    const tensors = this.trainedTensors();
    steps.forEach((step, row) => {
      let offset = row * stride;
      tensors.forEach((tensor, k) => {
        rows.set(new Uint8Array(optimizerUpdateParams(this.rule, tensor, step)).subarray(0, this.stepKernels[k]!.paramsByteLength), offset);
        offset += this.stepKernels[k]!.paramsByteLength;
      });
    });
    this.gpu.device.queue.writeBuffer(table, 0, rows);
    return table;
  }

  /** Records the copy of row `row` of `table` into the update kernels' params; call outside a compute pass. */
  copyStep(encoder: GPUCommandEncoder, table: GPUBuffer, row: number): void {
    let offset = row * this.stepTableStride;
    for (const kernel of this.stepKernels) {
      kernel.copyParams(encoder, table, offset);
      offset += kernel.paramsByteLength;
    }
  }

  destroy(): void {
    for (const kernel of new Set([...this.perturbKernels, ...this.updateKernels])) kernel.destroy();
    for (const buffers of this.state) for (const buffer of Object.values(buffers)) buffer?.destroy();
    this.scalars?.destroy();
  }

  private trainedTensors(): LabelledTensor[] {
    return this.tensors.filter((tensor) => tensor.stepScale !== 0);
  }
}
