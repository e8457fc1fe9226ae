/**
 * The config sections of the model kinds besides the two-layer network (src/config/schema.ts):
 * toy landscapes of independent particles (docs/science.md sections 4 and 7) and linear logistic
 * regression (docs/science.md section 6).
 */
import { z } from 'zod';
import { landscapeSpecSchema } from '../core/landscape';

const coordinates = z.array(z.number()).min(1);

export const landscapeModelSchema = z
  .object({
    kind: z.literal('landscape'),
    /** The landscape, optimizer and particle count (src/core/landscape.ts). */
    spec: landscapeSpecSchema,
    /** Start points: uniform in the box [low, high] (from the spec's seed), every particle at `point`, or one row per particle. */
    start: z.union([
      z.strictObject({ low: coordinates, high: coordinates }),
      z.strictObject({ point: coordinates }),
      z.strictObject({ points: z.array(coordinates).min(1) }),
    ]),
    /** A point of interest (a minimum, the saddle): nearTargetFraction counts particles within targetRadius of it. */
    target: coordinates.optional(),
    targetRadius: z.number().positive().default(1e-2),
  })
  .strict();

export type LandscapeModel = z.output<typeof landscapeModelSchema>;


export const linearModelSchema = z
  .object({
    kind: z.literal('linear'),
    /** 'log': log at about pointsPerDecade steps per decade of t (and the last step); 'every': every metrics.every steps. */
    logging: z.enum(['log', 'every']).default('log'),
    pointsPerDecade: z.int().min(1).max(100).default(10),
    /** Steps one GPU dispatch loops over (keeps each dispatch short). */
    stepsPerDispatch: z.int().min(1).default(1024),
  })
  .strict();

export type LinearModel = z.output<typeof linearModelSchema>;
