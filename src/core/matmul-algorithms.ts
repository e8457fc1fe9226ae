/**
 * The matmul kernel's algorithms (shaders/matmul.wgsl.ts), as configs and the autotuner name them.
 *
 * 'register' keeps a BLOCK x BLOCK (4 x 4) patch per thread; 'register8' a LARGE_BLOCK x LARGE_BLOCK
 * (8 x 8) one: twice the reuse per load, which SwiftShader (loads dominate) rewards and hardware
 * GPUs may punish through register pressure, so src/gpu/autotune.ts picks per adapter.
 */

/** Every algorithm, in the order the autotuner tries them. */
export const MATMUL_ALGORITHMS = ['register', 'register8', 'tiled'] as const;
export type MatmulAlgorithm = (typeof MATMUL_ALGORITHMS)[number];

/** A config's matmul choice: an algorithm, or 'auto' for the adapter's autotuned winner. */
export const MATMUL_SETTINGS = ['auto', ...MATMUL_ALGORITHMS] as const;
export type MatmulSetting = (typeof MATMUL_SETTINGS)[number];
