import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { OnlineSpec } from '../../src/core/dataset';
import { onlineSpecFor } from '../../src/data/online';
import { createStorageBuffer, readFloat32 } from '../../src/gpu/buffers';
import { KernelArgumentError } from '../../src/core/errors';
import { runKernels } from '../../src/gpu/kernel';
import { bindSampleOnline, sampleOnlineParams } from '../../src/kernels/data';
import * as reference from '../../src/data/sampling';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { sampleOnline } from '../helpers/kernel-arrays/data';
import { expectClose } from '../helpers/tolerance';

// Gaussian inputs: the GPU's Box-Muller uses f32 log/cos/sqrt (not correctly rounded); as in the random
// family's tests, |z| <= 5.77 keeps the difference under 1e-5 absolute.
const GAUSSIAN_INPUTS = { abs: 1e-5, rel: 4e-6 };
// Sphere inputs: z / |z| with |z| >= 1e-3 in practice; the normals' 1e-5 divided by |z| ~ sqrt(d) plus an
// f32 sum of d squares and a division: 1e-5 absolute still holds with a relative part for the rounding.
const SPHERE_INPUTS = { abs: 1e-5, rel: 1e-5 };
// Labels: f* is 1-Lipschitz per neuron in |w| |x| (|w_k|_1 <= 10 here), so an input error of 1e-5 moves a
// label by at most 1e-4; the f32 dot products add about sqrt(d M) ulps. A wrong stream, row or teacher
// index changes labels by O(1). Measured on SwiftShader (B = 2000): |dX| <= 3.1e-7, |dy| <= 2.9e-7; the
// bounds are the worst cases WGSL's accuracy rules allow on hardware.
const LABELS = { abs: 1e-4, rel: 1e-5 };

const base = { kind: 'teacher-student', seed: 21, inputDim: 5 } as const;
const cases: [string, OnlineSpec, number][] = [
  ['gaussian inputs, 3-neuron teacher', onlineSpecFor({ ...base, teacher: { kind: 'random', width: 3 } }, ELEMENTWISE_WORKGROUP_SIZE + 6), 0],
  ['sphere inputs, sphere teacher with output weights', onlineSpecFor({ ...base, inputs: 'sphere', teacher: { kind: 'random', width: 4, neurons: 'sphere', outputWeights: [1, -1, 2, 0.5] } }, 37), 7],
  ['gaussian inputs, circle target, label noise', onlineSpecFor({ ...base, teacher: { kind: 'circle' }, labelNoiseStd: 0.3 }, 50), 123456],
  ['sphere inputs in d = 2, single neuron, label noise', onlineSpecFor({ ...base, inputDim: 2, inputs: 'sphere', teacher: { kind: 'single-neuron' }, labelNoiseStd: 0.1 }, 3), 2 ** 32 - 2],
];

describe('data/sample_online', () => {
  it.each(cases)('%s: GPU batch equals the twin', async (_what, spec, step) => {
    const gpu = await onGpu('sample_online', (g) => sampleOnline(g, spec, step));
    const twin = reference.sampleOnline(spec, step);
    expectClose(gpu.X, twin.X, spec.inputs === 'sphere' ? SPHERE_INPUTS : GAUSSIAN_INPUTS, 'inputs');
    expectClose(gpu.y, twin.y, LABELS, 'labels');
  });

  it('binds once; per-step params written or copied between passes give each step its own batch', async () => {
    const spec = cases[0]![1];
    const { batchSize: B, inputDim: d } = spec;
    const teacher = spec.target.kind === 'teacher' ? spec.target.teacher : undefined;
    const results = await onGpu('sample_online per-step params', async (gpu) => {
      const buffers = {
        inputs: createStorageBuffer(gpu, 'test/inputs', B * d * 4),
        labels: createStorageBuffer(gpu, 'test/labels', B * 4),
        teacherA: createStorageBuffer(gpu, 'test/teacherA', teacher!.a),
        teacherW: createStorageBuffer(gpu, 'test/teacherW', teacher!.W),
      };
      const kernel = await bindSampleOnline(gpu, spec, buffers);
      kernel.writeParams(gpu.device.queue, sampleOnlineParams(spec, 2));
      await runKernels(gpu, 'step 2', [kernel]);
      const written = await readFloat32(gpu, buffers.labels, B);
      // A params table for steps 8 and 9, copied in before each pass as the trainer does.
      const stride = kernel.paramsByteLength;
      const table = gpu.device.createBuffer({ label: 'test/params-table', size: 2 * stride, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      for (const [slot, step] of [[0, 8], [1, 9]] as const) gpu.device.queue.writeBuffer(table, slot * stride, sampleOnlineParams(spec, step));
      const encoder = gpu.device.createCommandEncoder();
      const snapshot = createStorageBuffer(gpu, 'test/snapshot', B * 4);
      for (const slot of [0, 1]) {
        kernel.copyParams(encoder, table, slot * stride);
        const pass = encoder.beginComputePass();
        kernel.encode(pass);
        pass.end();
        if (slot === 0) encoder.copyBufferToBuffer(buffers.labels, 0, snapshot, 0, B * 4);
      }
      gpu.device.queue.submit([encoder.finish()]);
      const [copied8, copied9, X9] = await Promise.all([readFloat32(gpu, snapshot, B), readFloat32(gpu, buffers.labels, B), readFloat32(gpu, buffers.inputs, B * d)]);
      kernel.destroy();
      [...Object.values(buffers), table, snapshot].forEach((b) => b.destroy());
      return { written, copied8, copied9, X9 };
    });
    expectClose(results.written, reference.sampleOnline(spec, 2).y, LABELS, 'labels of step 2');
    expectClose(results.copied8, reference.sampleOnline(spec, 8).y, LABELS, 'labels of step 8');
    expectClose(results.copied9, reference.sampleOnline(spec, 9).y, LABELS, 'labels of step 9');
    expectClose(results.X9, reference.sampleOnline(spec, 9).X, GAUSSIAN_INPUTS, 'inputs of step 9');
  });

  it('rejects bad specs and buffers before dispatching', async () => {
    const gpu = await getTestGpu();
    const spec = cases[0]![1];
    const teacherSpec = spec.target.kind === 'teacher' ? spec.target.teacher : undefined;
    await expect(sampleOnline(gpu, { ...spec, batchSize: 0 }, 0)).rejects.toThrow(KernelArgumentError);
    await expect(sampleOnline(gpu, spec, -1)).rejects.toThrow(/'step' must be an integer in \[0, 2\^32\)/);
    await expect(sampleOnline(gpu, { ...spec, labelNoiseStd: Number.NaN }, 0)).rejects.toThrow(/labelNoiseStd/);
    await expect(sampleOnline(gpu, { ...spec, inputDim: 1, target: { kind: 'circle' } }, 0)).rejects.toThrow(/circle-neuron target needs inputDim >= 2/);
    const badTeacher = { ...teacherSpec!, W: new Float32Array(teacherSpec!.W.length - 1) };
    await expect(sampleOnline(gpu, { ...spec, target: { kind: 'teacher', teacher: badTeacher } }, 0)).rejects.toThrow(/teacher.W.*expected 15/);
    const nanTeacher = { ...teacherSpec!, a: Float32Array.of(1, Number.NaN, 1) };
    await expect(sampleOnline(gpu, { ...spec, target: { kind: 'teacher', teacher: nanTeacher } }, 0)).rejects.toThrow(/teacher.a.*NaN at index 1/);
    const small = createStorageBuffer(gpu, 'test/small', 4);
    await expect(bindSampleOnline(gpu, spec, { inputs: small, labels: small })).rejects.toThrow(/inputs.*buffer holds 4 bytes/);
    const inputs = createStorageBuffer(gpu, 'test/inputs', spec.batchSize * spec.inputDim * 4);
    const labels = createStorageBuffer(gpu, 'test/labels', spec.batchSize * 4);
    await expect(bindSampleOnline(gpu, spec, { inputs, labels })).rejects.toThrow(/teacherA.*required for a teacher target/);
    [small, inputs, labels].forEach((b) => b.destroy());
  });
});
