/**
 * The experiment configuration: one JSON document that fixes a run completely (with the seed).
 * Validated by zod, with defaults filled in; `parseConfig` turns zod issues into ConfigError
 * messages that name the field, the bad value and what is allowed.
 */
import { z } from 'zod';
import { LOSS_KINDS, SCALINGS, TRAINABLE_PARTS } from '../core/conventions';
import { BACKENDS } from '../core/simulation';
import { sphereProblem } from '../core/update-settings';
import { dataSpecSchema } from '../data/spec';
import { METRIC_NAMES, metricNamesOf } from '../metrics/registry';
import { landscapeModelSchema, linearModelSchema } from './model-kinds';
import { w2TargetSchema } from './w2-target';
import { optimizerRuleSchema } from '../core/update-rules';
import { learningRateScheduleSchema } from '../core/schedule';
import { ConfigError, shownValue } from './errors';
import { MATMUL_SETTINGS } from '../core/matmul-algorithms';
import { STEP_KERNEL_SETTINGS } from '../core/step-kernels';
import { LANCZOS_MAX_ITERATIONS } from '../core/lanczos';
import { MAX_BATCH_SHARPNESS_BATCHES } from '../core/batch-sharpness';
import { unionFormsAt, unknownFieldProblems } from './field-hints';

const positiveInt = () => z.int().min(1);
const seedSchema = z.int().min(0).max(2 ** 32 - 1);
const DEFAULT_SEED = 1;
const DEFAULT_LEARNING_RATE = 0.1;
/** A run keeps every step's loss: 10^7 steps are 80 MB of them. */
const MAX_STEPS = 10_000_000;

export const initSchema = z
  .object({
    /** Standard deviation of a_j ~ N(0, aStd^2) (docs/science.md section 2's gamma). */
    aStd: z.number().min(0).default(1),
    /** w_j ~ N(0, wScale^2 I_d / d): below 1 a small first-layer initialization (docs/science.md section 5's small init). */
    wScale: z.number().positive().default(1),
    /** a_j = aValue for every neuron (E-Ma-Wu's a = 1, docs/science.md section 1); overrides aStd. */
    aValue: z.number().optional(),
    /** w_j on the unit circle (inputDim 2 only) at angles with density proportional to exp(kappa cos(theta - meanAngle)). */
    directions: z
      .strictObject({ kind: z.literal('von-mises'), kappa: z.number().min(0), meanAngle: z.number().default(0) })
      .optional(),
    /** JSON file {"a": [...], "W": [[...], ...], "b"?: [...]} that replaces the random initialization. */
    path: z.string().min(1).optional(),
  })
  .strict();

export const modelSchema = z
  .object({
    kind: z.literal('two-layer'),
    width: positiveInt().default(256),
    scaling: z.enum(SCALINGS).default('mean-field'),
    alpha: z.number().positive().default(1),
    /**
     * f_alpha = alpha (f_theta - f_theta0): the lazy-training output of docs/science.md section 0 (f0 from the initial
     * weights on the train and test sets; not with online, which buildProblem rejects; no margin metric).
     */
    centered: z.boolean().default(false),
    bias: z.boolean().default(false),
    trainable: z.enum(TRAINABLE_PARTS).default('both'),
    /**
     * Rows w_j on the unit sphere: each GD step w <- (w - lr g) / |w - lr g| (the retraction; for small lr the
     * Riemannian gradient flow on the sphere, E-Ma-Wu's particles on the circle). Plain GD, no bias, W trained.
     */
    sphere: z.boolean().default(false),
    init: initSchema.prefault({}),
  })
  .strict();

/** JKO: implicit steps of size tau, each solved by `innerSteps` GD steps at `innerLearningRate`. */
export const jkoSchema = z
  .object({
    tau: z.number().positive(),
    innerSteps: positiveInt().default(20),
    innerLearningRate: z.number().positive(),
  })
  .strict();

export const optimizerSchema = z
  .object({
    /** gd, momentum, nesterov, normalized-gd, adagrad, adanorm, adam or sam (with a base rule); a bare name takes the rule's defaults. */
    rule: z.preprocess((value) => (typeof value === 'string' ? { kind: value } : value), optimizerRuleSchema).prefault({ kind: 'gd' }),
    /** lr in the scaling's own units (mean-field: particle time); the start of the schedule if there is one. */
    learningRate: z.number().positive().default(DEFAULT_LEARNING_RATE),
    /** constant, inverse-sqrt, linear or cosine decay, with optional warm-up; it starts at optimizer.learningRate (one lr0 per run). */
    schedule: learningRateScheduleSchema.optional(),
    /** Implicit (JKO / proximal) steps instead of explicit ones. */
    jko: jkoSchema.optional(),
    /** Minibatch size B (SGD); absent = full batch. */
    batchSize: positiveInt().optional(),
    withReplacement: z.boolean().default(false),
  })
  .strict();

export const metricsSchema = z
  .object({
    /** Log every `every` steps (the loss of every step is always kept). */
    every: positiveInt().default(10),
    names: z.array(z.enum(METRIC_NAMES)).default(['loss']),
    /** The target measure of w2ToTarget: W2 between the neurons' cloud {w_j} and it. */
    w2: w2TargetSchema.optional(),
    /**
     * Lanczos settings of the sharpness metrics (defaults LANCZOS_DEFAULTS of src/core/lanczos.ts: 100
     * iterations, residual <= 1e-5 lambda): raise maxIterations when a run reports an unconverged sharpness.
     */
    lanczos: z
      .strictObject({ maxIterations: z.int().min(1).max(LANCZOS_MAX_ITERATIONS).optional(), tolerance: z.number().min(0).optional() })
      .optional(),
    /**
     * Mini-batches K that each batchSharpness value averages over (default DEFAULT_BATCH_SHARPNESS_BATCHES = 16 of
     * src/core/batch-sharpness.ts): each costs a gradient and one Hessian-vector product on a batch of the run's size.
     */
    batchSharpnessBatches: z.int().min(1).max(MAX_BATCH_SHARPNESS_BATCHES).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    name: z.string().optional(),
    seed: seedSchema.default(DEFAULT_SEED),
    steps: positiveInt().max(MAX_STEPS, { error: `at most ${MAX_STEPS.toLocaleString('en')} steps: every step's loss is kept (8 bytes each, in result.json too)` }).default(1000),
    backend: z.enum(BACKENDS).default('gpu'),
    loss: z.enum(LOSS_KINDS).default('square'),
    /** The two-layer network (default), or a toy landscape of independent particles (data and optimizer then unused). */
    model: z.discriminatedUnion('kind', [modelSchema, landscapeModelSchema, linearModelSchema]).prefault({ kind: 'two-layer' }),
    data: dataSpecSchema.prefault({ kind: 'teacher-student' }),
    /**
     * Population risk: every step trains on optimizer.batchSize fresh samples (default data.sampleCount)
     * drawn on the GPU from the teacher-student distribution; the loss metric uses the fixed train set.
     */
    online: z.boolean().default(false),
    optimizer: optimizerSchema.prefault({}),
    metrics: metricsSchema.prefault({}),
    /** Keep a checkpoint every this many steps (0: only at the start); device loss resumes from the last. */
    checkpointEvery: z.int().min(0).default(100),
    /** Steps per queue submit. */
    stepsPerSubmit: positiveInt().max(4096).default(64),
    /**
     * Kernel variants. matmul 'auto' (default): the fastest on this adapter, timed once on first use
     * and remembered (src/kernels/matmul-autotune.ts); or force one of the algorithms.
     */
    kernels: z
      .object({
        matmul: z.enum(MATMUL_SETTINGS).default('auto'),
        /**
         * How a two-layer step is dispatched (src/core/step-kernels.ts): 'auto' (default) takes the multi-step
         * kernel for small plain-GD networks where it is this adapter's winner, the unfused step otherwise.
         */
        step: z.enum(STEP_KERNEL_SETTINGS).default('auto'),
      })
      .strict()
      .prefault({}),
    /**
     * A run set: config path -> the values it takes; every point of the grid is one member, trained together
     * (src/config/run-set.ts expands it; each member is validated on its own).
     */
    sweep: z.record(z.string().min(1), z.array(z.unknown()).min(1)).optional(),
  })
  .strict()
  .superRefine((config, context) => {
    const allowed: readonly string[] = metricNamesOf(config.model.kind);
    config.metrics.names.forEach((name, i) => {
      if (!allowed.includes(name)) {
        context.addIssue({ code: 'custom', path: ['metrics', 'names', i], message: `${name} is not logged for a ${config.model.kind} model; allowed: ${allowed.join(', ')}` });
      }
    });
    if (config.model.kind === 'two-layer' && config.model.sphere) {
      const { rule, schedule, jko } = config.optimizer;
      const why = sphereProblem({ sphere: true, optimizer: rule, ...(schedule ? { schedule } : {}), ...(jko ? { jko } : {}), trainable: config.model.trainable, hasBias: config.model.bias });
      if (why) context.addIssue({ code: 'custom', path: ['model', 'sphere'], message: `model.sphere ${why}` });
    }
    const { learningRate, schedule } = config.optimizer;
    if (schedule && schedule.learningRate !== learningRate) {
      context.addIssue({ code: 'custom', path: ['optimizer', 'schedule', 'learningRate'], message: `a schedule starts at the run's rate optimizer.learningRate (${learningRate}); leave it out or give the same value` });
    }
    if (config.metrics.names.includes('w2ToTarget') && !config.metrics.w2) {
      context.addIssue({ code: 'custom', path: ['metrics', 'w2'], message: 'w2ToTarget needs a target: metrics.w2 = { "target": { "kind": "uniform-circle" } } or { "kind": "points", "points": [[...], ...] }' });
    }
  });

export type ExperimentConfig = z.output<typeof configSchema>;
export type TwoLayerModelConfig = z.output<typeof modelSchema>;
/** A config whose model is the two-layer network. */
export type NetworkExperimentConfig = ExperimentConfig & { model: TwoLayerModelConfig };
/** What a user writes: every field optional; a model without `kind` is the two-layer network. */
export type ExperimentConfigInput = Omit<z.input<typeof configSchema>, 'model'> & {
  model?: (Omit<z.input<typeof modelSchema>, 'kind'> & { kind?: 'two-layer' }) | z.input<typeof landscapeModelSchema> | z.input<typeof linearModelSchema>;
};

/** Validates `input` and fills in defaults; throws ConfigError listing every problem. */
export function parseConfig(input: unknown, source = 'config'): ExperimentConfig {
  const inherited = inheritFields(input);
  const result = configSchema.safeParse(inherited);
  if (result.success) return result.data;
  const { issues } = result.error;
  throw new ConfigError(issues.filter((issue) => !isInheritedEcho(issue, issues, input)).flatMap((issue) => describeIssue(issue, input, inherited)), source);
}

/** Fields inheritFields copies (to, from): a bad value given once is reported once, where the user wrote it. */
const INHERITED_FIELDS: readonly (readonly [string, string])[] = [
  ['data.seed', 'seed'],
  ['data.loss', 'loss'],
  ['optimizer.schedule.learningRate', 'optimizer.learningRate'],
  ['optimizer.learningRate', 'optimizer.schedule.learningRate'],
];

/** An issue on a copied field the user did not write, whose source has its own issue. */
function isInheritedEcho(issue: z.core.$ZodIssue, issues: readonly z.core.$ZodIssue[], input: unknown): boolean {
  const path = issue.path.join('.');
  return INHERITED_FIELDS.some(
    ([to, from]) => path === to && valueAt(input, to.split('.')) === undefined && issues.some((other) => other.path.join('.') === from),
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Values given once and used in several sections: the top-level seed and loss also fix the data
 * unless the data section sets its own (one seed reproduces the whole run; a CSV's label check
 * follows the loss being trained), and a schedule starts at optimizer.learningRate (a schedule's own
 * learningRate gives it when the optimizer gives none).
 */
function inheritFields(input: unknown): unknown {
  if (!isRecord(input)) return input;
  const config = { ...input };
  const data = config.data ?? { kind: 'teacher-student' };
  if (isRecord(data)) {
    const inherited: Record<string, unknown> = { ...data };
    if (inherited.seed === undefined && inherited.kind !== 'csv') inherited.seed = config.seed ?? DEFAULT_SEED;
    if (inherited.kind === 'csv' && inherited.loss === undefined && config.loss !== undefined) inherited.loss = config.loss;
    config.data = inherited;
  }
  if (isRecord(config.model) && config.model.kind === undefined) config.model = { ...config.model, kind: 'two-layer' };
  if (isRecord(config.model) && config.model.kind === 'landscape') {
    const metrics = isRecord(config.metrics) ? config.metrics : {};
    if (metrics.names === undefined) config.metrics = { ...metrics, names: ['meanValue', 'meanSquaredNorm', 'escapedFraction'] };
  }
  if (isRecord(config.optimizer) && isRecord(config.optimizer.schedule)) {
    const { learningRate, schedule } = config.optimizer;
    if (schedule.learningRate === undefined) config.optimizer = { ...config.optimizer, schedule: { ...schedule, learningRate: learningRate ?? DEFAULT_LEARNING_RATE } };
    else if (learningRate === undefined) config.optimizer = { ...config.optimizer, learningRate: schedule.learningRate };
  }
  return config;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, inherited: unknown): string[] {
  // An unknown key is named by its own path, with the field it likely meant and the fields allowed there
  // (read from the validated object, whose model has its kind even where the user left it out).
  if (issue.code === 'unrecognized_keys') return unknownFieldProblems(configSchema, inherited, issue.path, issue.keys);
  const value = valueAt(input, issue.path);
  // zod says only "Invalid input" when a value matches no form of a union, or is missing: list the forms.
  const forms = issue.code === 'invalid_union' || value === undefined ? unionFormsAt(configSchema, inherited, issue.path) : undefined;
  // A value of the wrong type: zod's "Invalid input: expected number, received string" says twice what "got" shows.
  const typeMessage = issue.code === 'invalid_type' ? `expected ${issue.expected}` : undefined;
  const message = forms ? `expected ${forms.startsWith('{') ? 'one of ' : ''}${forms}` : typeMessage ?? issue.message;
  const path = issue.path.map(String).join('.') || '(top level)';
  const got = value === undefined ? 'missing' : `got ${shownValue(value)}`;
  return [`${path}: ${got}; ${message}`];
}

/**
 * The value the user wrote at `path`. A shorthand the schema expands (optimizer.rule "adam" for {"kind": "adam"})
 * has issues under the expanded path: the walk stops at the shorthand and shows it.
 */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === undefined) return undefined;
    if (node === null || typeof node !== 'object') return node;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Keys that lead into an object's prototype chain rather than into the config. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Applies `--set path=value` overrides to a raw config object (before validation). The value is
 * read as JSON when it parses (numbers, booleans, arrays), else as a string.
 */
export function applyOverrides(input: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const root = structuredClone(input);
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new ConfigError([`--set ${override}: expected path=value, e.g. model.width=512`]);
    const keys = override.slice(0, eq).split('.');
    if (keys.includes('')) throw new ConfigError([`--set ${override}: empty field name in the path '${override.slice(0, eq)}'; expected dot-separated names, e.g. model.width=512`]);
    // A path through an object's prototype would write onto every object in the process, not into the config.
    const unsafe = keys.find((key) => UNSAFE_KEYS.has(key));
    if (unsafe !== undefined) throw new ConfigError([`--set ${override}: '${unsafe}' is not a config field (no config path goes through ${[...UNSAFE_KEYS].join(', ')})`]);
    const text = override.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // a bare word such as ntk stays a string
    }
    let node: Record<string, unknown> = root;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next !== undefined && (next === null || typeof next !== 'object' || Array.isArray(next))) {
        throw new ConfigError([`--set ${override}: ${key} is not an object`]);
      }
      node = (node[key] ??= {}) as Record<string, unknown>;
    }
    node[keys.at(-1)!] = value;
  }
  return root;
}
