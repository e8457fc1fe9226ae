/**
 * The peers of issue 6 on the same model and step as GradFlow: one full-batch GD step of
 * f(X) = relu(X W^T) a / m with square loss L = (1/2n) sum_i (f(x_i) - y_i)^2, gradients for W and a
 * written out by hand (no autodiff tape, the cheapest form TF.js allows), update W -= lr gW, a -= lr ga.
 * Used only by the bench: TF.js is a dev dependency and never reaches src/.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { StepSize } from '../training-step';

/** The .wasm files, served by Vite straight from node_modules. */
setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

export type TfBackend = 'webgpu' | 'wasm';

export interface PeerModel {
  /** Records `steps` steps and resolves once they are done (one read-back of a at the end). */
  train(steps: number): Promise<void>;
  dispose(): void;
}

export async function createTfModel(backend: TfBackend, size: StepSize, data: { X: Float32Array; y: Float32Array; W: Float32Array; a: Float32Array }, learningRate: number): Promise<PeerModel> {
  await useBackend(backend);
  const { width: m, sampleCount: n, inputDim: d } = size;
  const X = tf.tensor2d(data.X, [n, d]);
  const y = tf.tensor2d(data.y, [n, 1]);
  const W = tf.variable(tf.tensor2d(data.W, [m, d]));
  const a = tf.variable(tf.tensor2d(data.a, [m, 1]));
  const step = () =>
    tf.tidy(() => {
      const Z = tf.matMul(X, W, false, true); // [n x m]
      const H = tf.relu(Z);
      const f = tf.div(tf.matMul(H, a), m); // [n x 1]
      const r = tf.div(tf.sub(f, y), n); // dL/df
      const gradA = tf.div(tf.matMul(H, r, true, false), m); // [m x 1] = H^T r / m
      const D = tf.mul(tf.div(tf.matMul(r, a, false, true), m), tf.step(Z)); // [n x m] = (r a^T / m) . 1[Z > 0]
      const gradW = tf.matMul(D, X, true, false); // [m x d] = D^T X
      W.assign(tf.sub(W, tf.mul(gradW, learningRate)));
      a.assign(tf.sub(a, tf.mul(gradA, learningRate)));
    });
  return {
    async train(steps) {
      await useBackend(backend);
      for (let s = 0; s < steps; s++) step();
      await a.data();
    },
    dispose() {
      for (const t of [X, y, W, a]) t.dispose();
    },
  };
}

/** Switches TF.js's global backend; tensors stay with the backend that made them. */
async function useBackend(backend: TfBackend): Promise<void> {
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`TF.js backend ${backend} failed to initialise`);
  }
  await tf.ready();
}

export function tfVersion(): string {
  return tf.version_core;
}

export async function wasmFlavour(): Promise<string> {
  await useBackend('wasm');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `${simd ? 'simd' : 'no simd'}, ${threads ? 'multithreaded' : 'single thread'}`;
}
