/**
 * The buffers an optimizer allocates: the scalars buffer (fixed slots, then every tensor's
 * squared_norm partials) and each tensor's zeroed state buffers of its rule.
 */
import { OPTIMIZER_SCALAR_SLOTS } from '../../shaders/optim.wgsl';
import { REDUCTION_WORKGROUP_SIZE } from '../../shaders/constants';
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { stateNames, type OptimizerRuleInput } from '../core/update-rules';
import { FAMILY } from './optim-kernels';
import { checkElementCount, checkOptimizerRule, type OptimizerStateBuffers } from './optim-arguments';

/** Partials squared_norm writes for a tensor of `elementCount` elements (one per workgroup). */
export function partialCountOf(elementCount: number): number {
  return Math.ceil(elementCount / REDUCTION_WORKGROUP_SIZE);
}

/** Where each tensor's partials sit in the scalars buffer, and the buffer's length in floats. */
export interface ScalarsLayout {
  readonly partialOffsets: readonly number[];
  readonly partialCount: number;
  readonly elementCount: number;
}

export function scalarsLayout(elementCounts: readonly number[]): ScalarsLayout {
  const partialOffsets: number[] = [];
  let next = OPTIMIZER_SCALAR_SLOTS.firstPartial;
  for (const count of elementCounts) {
    partialOffsets.push(next);
    next += partialCountOf(count);
  }
  return { partialOffsets, partialCount: next - OPTIMIZER_SCALAR_SLOTS.firstPartial, elementCount: next };
}

/** A zeroed scalars buffer for tensors of these sizes (slot 1, AdaNorm's running sum, starts at 0). */
export function createOptimizerScalars(gpu: GpuContext, elementCounts: readonly number[], label = `${FAMILY}/scalars`): { buffer: GPUBuffer; layout: ScalarsLayout } {
  elementCounts.forEach((count) => checkElementCount(`${FAMILY}/scalars`, count));
  const layout = scalarsLayout(elementCounts);
  return { buffer: createStorageBuffer(gpu, label, layout.elementCount * 4), layout };
}

/** Zeroed state buffers of `rule` for one tensor (momentum v, AdaGrad G, Adam m and v, SAM's saved theta). */
export function createOptimizerStateBuffers(gpu: GpuContext, ruleInput: OptimizerRuleInput, elementCount: number, label = FAMILY): OptimizerStateBuffers {
  const rule = checkOptimizerRule(`${FAMILY}/state`, ruleInput);
  checkElementCount(`${FAMILY}/state`, elementCount);
  const state: OptimizerStateBuffers = {};
  for (const name of stateNames(rule)) state[name] = createStorageBuffer(gpu, `${label}/${name}`, elementCount * 4);
  return state;
}
