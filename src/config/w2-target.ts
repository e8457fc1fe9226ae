/** The target measure of the w2ToTarget metric: W2 between the neurons' cloud {w_j} and it. */
import { z } from 'zod';

export const w2TargetSchema = z
  .object({
    /** 'uniform-circle': m points at angles 2 pi k / m (d = 2); 'points': the given cloud (rows of length d). */
    target: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('uniform-circle') }),
      z.strictObject({ kind: z.literal('points'), points: z.array(z.array(z.number()).min(1)).min(1) }),
    ]),
    /** 'auto': exact when both clouds have the same size <= 512, else sliced. */
    method: z.enum(['auto', 'exact', 'entropic', 'sliced']).default('auto'),
    /** Sinkhorn's eps, in squared-distance units. */
    epsilon: z.number().positive().default(0.05),
    /** Sliced W2's random directions. */
    directionCount: z.int().min(1).default(64),
  })
  .strict();

export type W2Target = z.output<typeof w2TargetSchema>;
