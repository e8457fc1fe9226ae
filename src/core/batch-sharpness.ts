/**
 * How many mini-batches one evaluation of the batch sharpness draws (metrics.batchSharpnessBatches; the
 * estimator is src/float64/batch-sharpness.ts): the config's bound and the default.
 */

/** K when the config names none: the mean of 16 ratios has a quarter of one ratio's spread. */
export const DEFAULT_BATCH_SHARPNESS_BATCHES = 16;

/**
 * Most batches per evaluation: batch k at step t is draw t K + k of its stream, a u32 counter for every step
 * the schema allows (10^7 * 256 < 2^32).
 */
export const MAX_BATCH_SHARPNESS_BATCHES = 256;
