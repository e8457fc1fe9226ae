/**
 * Data specs: a discriminated union on `kind`, as a zod schema with defaults and messages that name
 * the field, so a config file or the page can say exactly what is wrong. `DataSpecInput` is what a
 * user writes (defaults optional); `DataSpec` is the resolved spec the generators read.
 */
import { z } from 'zod';
import { LOSS_KINDS } from '../core/conventions';
import { DataSpecError } from './errors';

const UINT32_RANGE = 2 ** 32;

const seed = z
  .number({ error: 'seed must be a number' })
  .int({ error: 'seed must be an integer in [0, 2^32)' })
  .min(0, { error: 'seed must be an integer in [0, 2^32)' })
  .max(UINT32_RANGE - 1, { error: 'seed must be an integer in [0, 2^32)' });

const positiveInteger = (what: string) =>
  z.number({ error: `${what} must be a number` }).int({ error: `${what} must be a positive integer` }).min(1, { error: `${what} must be a positive integer` });

const nonNegative = (what: string) =>
  z.number({ error: `${what} must be a finite number` }).min(0, { error: `${what} must be >= 0` });

/** zod 4 numbers reject NaN and +-Infinity. */
const finiteNumber = z.number({ error: 'must be a finite number' });

const fraction = (what: string, upper: 'open' | 'closed') =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, { error: `${what} must lie in [0, 1${upper === 'open' ? ')' : ']'}` })
    .refine((v) => (upper === 'open' ? v < 1 : v <= 1), { error: `${what} must lie in [0, 1${upper === 'open' ? ')' : ']'}` });

const inputs = z.enum(['gaussian', 'sphere'], { error: "inputs must be 'gaussian' (x ~ N(0, I_d)) or 'sphere' (uniform on the unit sphere)" });

/** Fields every synthetic source has. The test set (testCount > 0) is drawn from the same distribution. */
const synthetic = {
  seed: seed.default(0),
  sampleCount: positiveInteger('sampleCount').default(256),
  testCount: z.number({ error: 'testCount must be a number' }).int({ error: 'testCount must be an integer >= 0' }).min(0, { error: 'testCount must be an integer >= 0' }).default(0),
  inputDim: positiveInteger('inputDim').default(2),
  inputs: inputs.default('gaussian'),
};

/** Exact count round(flipFraction * n) of labels flipped, chosen by a keyed permutation. */
const flipFraction = fraction('flipFraction', 'closed').default(0);

const teacherSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('random'),
      /** Teacher neurons M. */
      width: positiveInteger('teacher.width').default(1),
      /** w*_k ~ N(0, I_d), or uniform on the unit sphere. */
      neurons: z.enum(['gaussian', 'sphere'], { error: "teacher.neurons must be 'gaussian' or 'sphere'" }).default('gaussian'),
      /** a* [M]; default all ones. */
      outputWeights: z.array(finiteNumber).optional(),
    }),
    z.strictObject({
      kind: z.literal('explicit'),
      /** a* [M]. */
      a: z.array(finiteNumber).min(1, { error: 'teacher.a needs at least one neuron' }),
      /** W* as M rows of d numbers. */
      W: z.array(z.array(finiteNumber)).min(1, { error: 'teacher.W needs at least one row' }),
    }),
    z.strictObject({
      kind: z.literal('single-neuron'),
      /** w* [d]; default e_1. a* = 1. */
      direction: z.array(finiteNumber).optional(),
    }),
    z.strictObject({ kind: z.literal('circle') }),
  ],
  { error: "teacher.kind must be 'random', 'explicit', 'single-neuron' or 'circle'" },
);

export const teacherStudentSpecSchema = z
  .strictObject({
    kind: z.literal('teacher-student'),
    ...synthetic,
    teacher: teacherSchema.prefault({ kind: 'random' }),
    /** y = f*(x) + labelNoiseStd * N(0, 1). */
    labelNoiseStd: nonNegative('labelNoiseStd').default(0),
  })
  .superRefine((spec, context) => {
    checkCounters(spec, context);
    const d = spec.inputDim;
    const teacher = spec.teacher;
    const issue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path: ['teacher', ...path], message });
    if (teacher.kind === 'random' && teacher.outputWeights && teacher.outputWeights.length !== teacher.width) {
      issue(['outputWeights'], `teacher.outputWeights has ${teacher.outputWeights.length} entries, teacher.width is ${teacher.width}`);
    }
    if (teacher.kind === 'explicit') {
      if (teacher.W.length !== teacher.a.length) issue(['W'], `teacher.W has ${teacher.W.length} rows, teacher.a has ${teacher.a.length} neurons`);
      teacher.W.forEach((row, k) => {
        if (row.length !== d) issue(['W', k], `teacher.W row ${k} has ${row.length} entries, inputDim is ${d}`);
      });
    }
    if (teacher.kind === 'single-neuron' && teacher.direction) {
      if (teacher.direction.length !== d) issue(['direction'], `teacher.direction has ${teacher.direction.length} entries, inputDim is ${d}`);
      else if (teacher.direction.every((v) => v === 0)) issue(['direction'], 'teacher.direction must not be zero');
    }
    if (teacher.kind === 'circle' && d < 2) issue(['kind'], 'the circle-neuron target needs inputDim >= 2');
  });

export const linearSeparableSpecSchema = z
  .strictObject({
    kind: z.literal('linear-separable'),
    ...synthetic,
    /** gamma: every sample has y_i u . x_i >= gamma for the hidden unit direction u. */
    margin: nonNegative('margin').default(0.1),
    /** 'drop': redraw samples inside the margin; 'push': move them along u onto it (on the sphere, staying on it). */
    marginMode: z.enum(['drop', 'push'], { error: "marginMode must be 'drop' or 'push'" }).default('drop'),
    flipFraction,
  })
  .superRefine((spec, context) => {
    checkCounters(spec, context);
    if (spec.inputs === 'sphere' && spec.margin >= 1) {
      context.addIssue({ code: 'custom', path: ['margin'], message: `margin ${spec.margin} must be below 1 for inputs on the unit sphere` });
    }
  });

export const orthogonalSeparableSpecSchema = z
  .strictObject({
    kind: z.literal('orthogonal-separable'),
    ...synthetic,
    /** k <= d orthonormal directions q_l; class +1 lies in their positive orthant cone, class -1 in the opposite one. Default d. */
    coneDim: positiveInteger('coneDim').optional(),
    /** 'random': q_l from a random orthonormal frame; 'standard': q_l = e_l. */
    basis: z.enum(['random', 'standard'], { error: "basis must be 'random' or 'standard'" }).default('random'),
    flipFraction,
  })
  .superRefine((spec, context) => {
    checkCounters(spec, context);
    if (spec.coneDim !== undefined && spec.coneDim > spec.inputDim) {
      context.addIssue({ code: 'custom', path: ['coneDim'], message: `coneDim ${spec.coneDim} exceeds inputDim ${spec.inputDim}` });
    }
  });

export const xorSpecSchema = z
  .strictObject({
    kind: z.literal('xor'),
    ...synthetic,
    /** mu: cluster centres at (+-mu, +-mu, 0, ..., 0). */
    clusterMean: nonNegative('clusterMean').default(1),
    /** sigma: x = centre + sigma * z, z ~ N(0, I_d) or uniform on the unit sphere (`inputs`). */
    noiseStd: nonNegative('noiseStd').default(0.25),
    flipFraction,
  })
  .superRefine((spec, context) => {
    checkCounters(spec, context);
    if (spec.inputDim < 2) context.addIssue({ code: 'custom', path: ['inputDim'], message: 'XOR clusters need inputDim >= 2' });
  });

/** Wang and Ma 2023's four-phase data (src/data/two-cluster.ts): classes around two unit centres at an acute angle. */
export const twoClusterSpecSchema = z
  .strictObject({
    kind: z.literal('two-cluster'),
    seed: seed.default(0),
    sampleCount: positiveInteger('sampleCount').default(60),
    testCount: z.number({ error: 'testCount must be a number' }).int({ error: 'testCount must be an integer >= 0' }).min(0, { error: 'testCount must be an integer >= 0' }).default(0),
    inputDim: positiveInteger('inputDim').default(2),
    /** Delta: the angle between the centres x+ and x-, radians in (0, pi/2) (acute: the paper's setting). */
    angle: z.number({ error: 'angle must be a number' }).gt(0, { error: 'angle must lie in (0, pi/2)' }).lt(Math.PI / 2, { error: 'angle must lie in (0, pi/2)' }).default(0.6),
    /** p: exactly round(p n) samples are positive; p > 1/2 makes the accuracy plateau sit at p. */
    positiveFraction: fraction('positiveFraction', 'open').refine((v) => v > 0, { error: 'positiveFraction must lie in (0, 1)' }).default(0.75),
    /** r: x = (centre + r z) / |centre + r z|, z uniform on the unit sphere; below sin(Delta / 2) the classes stay separable. */
    noiseRadius: nonNegative('noiseRadius').default(0.05),
    /** Frame of the centres: 'standard' x+ = e_1, x- in span(e_1, e_2); 'random': a random orthonormal pair. */
    basis: z.enum(['random', 'standard'], { error: "basis must be 'random' or 'standard'" }).default('standard'),
    flipFraction,
  })
  .superRefine((spec, context) => {
    checkCounters(spec, context);
    if (spec.inputDim < 2) context.addIssue({ code: 'custom', path: ['inputDim'], message: 'two clusters at an angle need inputDim >= 2' });
    if (spec.noiseRadius >= 1) context.addIssue({ code: 'custom', path: ['noiseRadius'], message: `noiseRadius ${spec.noiseRadius} must be below 1 (the centres have norm 1)` });
  });

const normalization = z
  .enum(['none', 'standardize', 'unit-norm'], { error: "normalization must be 'none', 'standardize' (per feature) or 'unit-norm' (per sample)" })
  .default('none');

/** Fields of the file sources: the held-out fraction and the seed of the split permutation. */
const fileSplit = {
  testFraction: fraction('testFraction', 'open').default(0),
  seed: seed.default(0),
  normalization,
};

const digitList = z
  .array(z.number().int({ error: 'digits are integers 0-9' }).min(0, { error: 'digits are integers 0-9' }).max(9, { error: 'digits are integers 0-9' }))
  .min(1, { error: 'list at least one digit' });

export const digitsSpecSchema = z
  .strictObject({
    kind: z.literal('digits'),
    /** The file, for loaders that read one (Node: a path; browser: a URL). */
    path: z.string().min(1).default('data/digits.csv'),
    /** A binary subset (positive classes -> +1, negative -> -1), 'even-odd' (even -> +1), or 'all' (y = the digit). */
    classes: z
      .union([z.literal('all'), z.literal('even-odd'), z.strictObject({ positive: digitList, negative: digitList })], {
        error: "classes must be 'all', 'even-odd' or { positive: [digits], negative: [digits] }",
      })
      .default({ positive: [1], negative: [0] }),
    /** Binary subsets: 'sign' labels for logistic/exponential losses, or the same +-1 as 'regression' targets. */
    labels: z.enum(['sign', 'regression'], { error: "labels must be 'sign' or 'regression'" }).default('sign'),
    /** Divide pixels (0-16) by 16, to [0, 1]. */
    scalePixels: z.boolean().default(true),
    ...fileSplit,
    testFraction: fraction('testFraction', 'open').default(0.2),
  })
  .superRefine((spec, context) => {
    if (typeof spec.classes === 'object') {
      const shared = spec.classes.positive.filter((c) => (spec.classes as { negative: number[] }).negative.includes(c));
      if (shared.length > 0) context.addIssue({ code: 'custom', path: ['classes'], message: `digits ${shared.join(', ')} are in both positive and negative` });
    }
  });

export const csvSpecSchema = z
  .strictObject({
    kind: z.literal('csv'),
    /** Header x0,...,x{d-1},y. */
    path: z.string({ error: 'path must name the CSV file' }).min(1, { error: 'path must name the CSV file' }),
    /**
     * The test set as a file of its own, with path's header (the same d): every row of path trains, and the
     * normalization fitted on path is applied to it. The alternative to held-out rows (testFraction).
     */
    testPath: z
      .string({ error: 'testPath must name the test CSV file (header as in path), or be left out' })
      .min(1, { error: 'testPath must name the test CSV file (header as in path), or be left out' })
      .optional(),
    /** The loss the labels are for: logistic and exponential need y in {-1, +1}. */
    loss: z.enum(LOSS_KINDS, { error: `loss must be one of ${LOSS_KINDS.join(', ')}` }).default('square'),
    ...fileSplit,
  })
  .superRefine((spec, context) => {
    // One test set: a file of its own, or rows held out of path; both would leave one of them unused.
    if (spec.testPath !== undefined && spec.testFraction > 0) {
      context.addIssue({
        code: 'custom',
        path: ['testFraction'],
        message: `testFraction ${spec.testFraction} holds rows of path out as a test set, but testPath '${spec.testPath}' is the test set; set testFraction to 0 (the default) or remove testPath`,
      });
    }
  });

export const dataSpecSchema = z.discriminatedUnion(
  'kind',
  [teacherStudentSpecSchema, linearSeparableSpecSchema, orthogonalSeparableSpecSchema, xorSpecSchema, twoClusterSpecSchema, digitsSpecSchema, csvSpecSchema],
  { error: "kind must be one of 'teacher-student', 'linear-separable', 'orthogonal-separable', 'xor', 'two-cluster', 'digits', 'csv'" },
);

export type DataSpecInput = z.input<typeof dataSpecSchema>;
export type DataSpec = z.output<typeof dataSpecSchema>;
export type TeacherStudentDataSpec = z.output<typeof teacherStudentSpecSchema>;
export type TeacherSpec = TeacherStudentDataSpec['teacher'];
export type LinearSeparableDataSpec = z.output<typeof linearSeparableSpecSchema>;
export type OrthogonalSeparableDataSpec = z.output<typeof orthogonalSeparableSpecSchema>;
export type XorDataSpec = z.output<typeof xorSpecSchema>;
export type TwoClusterDataSpec = z.output<typeof twoClusterSpecSchema>;
export type DigitsDataSpec = z.output<typeof digitsSpecSchema>;
export type CsvDataSpec = z.output<typeof csvSpecSchema>;
export type SyntheticDataSpec = TeacherStudentDataSpec | LinearSeparableDataSpec | OrthogonalSeparableDataSpec | XorDataSpec | TwoClusterDataSpec;
export type NormalizationKind = DigitsDataSpec['normalization'];

/** Validates a spec and fills its defaults; throws DataSpecError listing every problem with its field path. */
export function resolveDataSpec(input: unknown): DataSpec {
  const result = dataSpecSchema.safeParse(input);
  if (!result.success) throw new DataSpecError(`invalid data spec:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Counter-based draws index elements i*d + c with a u32: n*d must stay below 2^32. */
function checkCounters(spec: { sampleCount: number; testCount: number; inputDim: number }, context: z.core.$RefinementCtx): void {
  for (const key of ['sampleCount', 'testCount'] as const) {
    if (spec[key] * spec.inputDim >= UINT32_RANGE) {
      context.addIssue({ code: 'custom', path: [key], message: `${key} x inputDim = ${spec[key] * spec.inputDim} exceeds the generator's 2^32 counters` });
    }
  }
}
