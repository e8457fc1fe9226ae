/**
 * The one source of workgroup and tile sizes: interpolated into WGSL and used for dispatch math,
 * so a shader and its dispatch can never disagree.
 */

/** Threads per workgroup of the one-dimensional element-wise kernels. */
export const ELEMENTWISE_WORKGROUP_SIZE = 64;

/**
 * Threads per workgroup of sample_batch_indices, which runs one workgroup per step: they fill the
 * shuffle scratch and draw the swap partners together before one thread performs the swaps.
 */
export const BATCH_SAMPLER_WORKGROUP_SIZE = 64;

/**
 * function_grid (the function view's f on a grid): each of its ELEMENTWISE_WORKGROUP_SIZE threads evaluates this
 * many grid points (two vec4 accumulators) against neurons staged in workgroup memory, ELEMENTWISE_WORKGROUP_SIZE
 * at a time: each neuron is read once per point block instead of once per point.
 */
export const FUNCTION_GRID_POINTS_PER_THREAD = 8;

/** Threads per workgroup of the tree reductions (a power of two). */
export const REDUCTION_WORKGROUP_SIZE = 64;

/** Shared-memory tiled matmul: TILE x TILE threads, one output each, K walked TILE at a time. */
export const MATMUL_TILE = 16;

/** Register-blocked matmul: each thread owns a BLOCK x BLOCK patch of C; THREADS x THREADS threads per workgroup. */
export const MATMUL_REGISTER_BLOCK = 4;
export const MATMUL_REGISTER_THREADS = 8;
/** The 'register8' variant's patch: 8 x 8 accumulators per thread, 64 x 64 of C per workgroup. */
export const MATMUL_REGISTER_BLOCK_LARGE = 8;
