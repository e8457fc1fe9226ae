/**
 * Array-in/array-out driver of GpuOptimizer for tests and toy problems: the gradient comes from a
 * host callback (any model), one submit per pass, parameters read back for every evaluation.
 * Slow by design (it waits on the GPU every step); a trainer encodes the same kernels without waiting.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { checkFinite, checkLength, checkSize } from '../gpu/validate';
import { checkOptimizerRule, type OptimizerStateBuffers } from '../kernels/optim-arguments';
import { GpuOptimizer } from './gpu-optimizer';
import { updateNeedsLoss, updateRuleOf, type OptimizerRuleInput, type StateName } from '../core/update-rules';

const NAME = 'optim/run-on-gpu';

/** The gradient (and, for normalized-gd by the loss, the loss) at the given float32 parameters. */
export type HostGradient = (params: readonly Float32Array[], stepIndex: number) => { grads: ArrayLike<number>[]; loss?: number };

export interface RunOptimizerOptions {
  readonly stepCount: number;
  /** lr of step k (0-based). */
  readonly learningRate: (stepIndex: number) => number;
  readonly gradient: HostGradient;
}

export interface RunOptimizerResult {
  readonly params: Float32Array[];
  /** State arrays per tensor, by name (empty for frozen tensors). */
  readonly state: Partial<Record<StateName, Float32Array>>[];
  /** The scalars buffer, when the rule has one. */
  readonly scalars?: Float32Array;
}

/** Runs `stepCount` steps of `rule` from `init` with c_s = stepScales[s]; returns parameters and state. */
export async function runOptimizerOnGpu(
  gpu: GpuContext,
  ruleInput: OptimizerRuleInput,
  init: readonly Float32Array[],
  stepScales: readonly number[],
  options: RunOptimizerOptions,
): Promise<RunOptimizerResult> {
  const rule = checkOptimizerRule(NAME, ruleInput);
  checkSize(NAME, 'stepCount', options.stepCount);
  checkSize(NAME, 'init.length', init.length);
  checkLength(NAME, 'stepScales', stepScales, init.length, `[${init.length}] (one per tensor)`);
  init.forEach((values, s) => {
    checkSize(NAME, `init[${s}].length`, values.length);
    checkFinite(NAME, `init[${s}]`, values);
  });
  const needsLoss = updateNeedsLoss(updateRuleOf(rule));
  const tensors = init.map((values, s) => ({
    label: `t${s}`,
    param: createStorageBuffer(gpu, `${NAME}/param${s}`, values),
    grad: createStorageBuffer(gpu, `${NAME}/grad${s}`, values.length * 4),
    elementCount: values.length,
    stepScale: stepScales[s]!,
  }));
  const losses = needsLoss ? createStorageBuffer(gpu, `${NAME}/losses`, options.stepCount * 4) : undefined;
  const buffers = [...tensors.flatMap((tensor) => [tensor.param, tensor.grad]), ...(losses ? [losses] : [])];
  let optimizer: GpuOptimizer | undefined;
  try {
    optimizer = await GpuOptimizer.create(gpu, rule, tensors, losses ? { losses } : {});
    const readParams = () => Promise.all(tensors.map((tensor) => readFloat32(gpu, tensor.param, tensor.elementCount)));
    const uploadGradient = async (stepIndex: number) => {
      const { grads, loss } = options.gradient(await readParams(), stepIndex);
      if (grads.length !== tensors.length) throw new KernelArgumentError(NAME, 'grads', `has ${grads.length} tensors, expected ${tensors.length}`);
      grads.forEach((grad, s) => {
        checkLength(NAME, `grads[${s}]`, grad, tensors[s]!.elementCount, `[${tensors[s]!.elementCount}]`);
        checkFinite(NAME, `grads[${s}]`, grad);
        gpu.device.queue.writeBuffer(tensors[s]!.grad, 0, Float32Array.from(grad));
      });
      if (losses) {
        if (loss === undefined || !Number.isFinite(loss)) throw new KernelArgumentError(NAME, 'loss', `must be a finite number for normalized-gd by the loss, got ${loss}`);
        gpu.device.queue.writeBuffer(losses, stepIndex * 4, new Float32Array([loss]));
      }
    };
    const submit = async (encodeInto: (pass: GPUComputePassEncoder) => void) => {
      const encoder = gpu.device.createCommandEncoder({ label: NAME });
      const pass = encoder.beginComputePass();
      encodeInto(pass);
      pass.end();
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    };
    for (let k = 0; k < options.stepCount; k++) {
      optimizer.setStep({ stepIndex: k, learningRate: options.learningRate(k), lossSlot: k });
      await uploadGradient(k);
      if (rule.kind === 'sam') {
        await submit((pass) => optimizer!.encodePerturb(pass));
        await uploadGradient(k);
      }
      await submit((pass) => optimizer!.encodeUpdate(pass));
    }
    const state = await Promise.all(optimizer.state.map((named, s) => readState(gpu, named, tensors[s]!.elementCount)));
    const scalars = optimizer.scalars ? await readFloat32(gpu, optimizer.scalars, optimizer.scalars.size / 4) : undefined;
    return { params: await readParams(), state, ...(scalars ? { scalars } : {}) };
  } finally {
    optimizer?.destroy();
    buffers.forEach((buffer) => buffer.destroy());
  }
}

async function readState(gpu: GpuContext, named: OptimizerStateBuffers, elementCount: number): Promise<Partial<Record<StateName, Float32Array>>> {
  const out: Partial<Record<StateName, Float32Array>> = {};
  for (const [name, buffer] of Object.entries(named) as [StateName, GPUBuffer][]) out[name] = await readFloat32(gpu, buffer, elementCount);
  return out;
}
