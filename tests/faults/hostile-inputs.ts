/**
 * Hostile CLI inputs (issue 14): what a new user gets wrong, one case per line, run by
 * hostile-inputs.node.test.ts. Every case is a bad input: exit code 2, never a stack trace, never a hang,
 * and nothing written (the case's folder holds afterwards exactly the files it was given, --out at most an
 * empty folder).
 *
 * How the expected message was chosen (the user-facing contract): each fragment is something the user needs
 * to fix the input without reading the source, written as the shortest substring that pins it down:
 *   - the field or flag, as the user would type it (`model.width`, `--shard`, the file's path);
 *   - the bad value as given (`got 0`, `"adamw"`, `Infinity`), or where it sits (the file, line and column);
 *   - what is allowed (`>=1`, the list of names, `expected k/N`), or the remedy.
 * Fragments are substrings, not whole messages, so wording around them may change freely; a fragment that
 * names a different field or hides the value is a defect of the message, not of the table.
 *
 * `<tmp>` stands for the case's own temporary folder (in argv, file contents and the environment); config
 * paths are absolute, so no case depends on the working directory.
 */

export interface HostileCase {
  readonly name: string;
  /** Files to create in the case's folder (path relative to it -> text, or FOLDER for an empty folder). */
  readonly files?: Readonly<Record<string, string | typeof FOLDER>>;
  readonly argv: readonly string[];
  readonly code: 2;
  /** Fragments stderr must contain (see the contract above). */
  readonly message: readonly (string | RegExp)[];
  /** Environment variables for the case (undefined: unset). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run as a real child process (bin/gradflow.js), proving the exit code the shell sees. */
  readonly process?: true;
}

export const FOLDER = Symbol('folder');

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** A valid tiny run (float64, 2 steps) that each config case spoils in one place. */
const BASE = {
  name: 'fault',
  steps: 2,
  backend: 'float64',
  model: { width: 4 },
  data: { kind: 'teacher-student', sampleCount: 8, inputDim: 2 },
  metrics: { every: 1 },
} as const;

const isObject = (value: unknown): value is Record<string, Json> => value !== null && typeof value === 'object' && !Array.isArray(value);

function merge(base: Json, patch: Json): Json {
  if (!isObject(base) || !isObject(patch)) return patch;
  const merged: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = key in merged ? merge(merged[key]!, value) : value;
  return merged;
}

/** config.json: BASE with `patch` merged in (objects merge key by key; anything else replaces). */
const config = (patch: Json = {}) => ({ 'config.json': JSON.stringify(merge(BASE, patch)) });
/** config.json exactly as written. */
const raw = (text: string) => ({ 'config.json': text });
/** A landscape model (data and optimizer unused) with `spec` and `start` replacing the valid ones. */
const landscape = (model: Record<string, Json>) =>
  raw(JSON.stringify({ steps: 2, backend: 'float64', model: { kind: 'landscape', spec: { kind: 'escape', particleCount: 2, learningRate: 0.1 }, start: { point: [0.5] }, ...model } }));
/** A config whose data section is `data` (replacing BASE's, not merged into it). */
const withData = (data: Record<string, Json>) => raw(JSON.stringify({ ...BASE, data }));
/** A CSV data file and a config that reads it. */
const csv = (text: string, data: Record<string, Json> = {}) => ({ ...withData({ kind: 'csv', path: '<tmp>/data.csv', ...data }), 'data.csv': text });
/** A CSV train file, a CSV test file (data.testPath) and a config that reads both. */
const csvWithTest = (train: string, test: string, data: Record<string, Json> = {}) => ({ ...csv(train, { testPath: '<tmp>/test.csv', ...data }), 'test.csv': test });
/** An init file for the BASE network (width 4, inputDim 2, no bias). */
const init = (text: string, model: Record<string, Json> = {}) => ({ ...config({ model: { ...model, init: { path: '<tmp>/init.json' } } }), 'init.json': text });
const initJson = (weights: Json, model: Record<string, Json> = {}) => init(JSON.stringify(weights), model);
const W4 = [[1, 0], [0, 1], [1, 1], [-1, 0]];
const A4 = [1, -1, 0.5, 0.25];
/** sweep.json over config.json (BASE with `base` merged in), its fields (grid, or base replaced) given by the case. */
const sweep = (fields: Record<string, Json>, base: Json = {}) => ({ ...config(base), 'sweep.json': JSON.stringify({ base: '<tmp>/config.json', ...fields }) });

const OUT = ['--out', '<tmp>/out'];
/** "is a file" or "is a plain file": either says what is in the way. */
const PLAIN_FILE = /is a (plain )?file/;
const RUN = ['run', '<tmp>/config.json', ...OUT];
const SWEEP = ['sweep', '<tmp>/sweep.json', ...OUT];
const MERGE = ['merge', '<tmp>/shards', ...OUT];

/** `gradflow analyze` of config.json (BASE) at params.json. */
const ANALYZE = ['analyze', '<tmp>/config.json', '--params', '<tmp>/params.json', ...OUT];
/** config.json (BASE with `patch`) and params.json holding `weights` as JSON. */
const params = (weights: Json, patch: Json = {}) => ({ ...config(patch), 'params.json': JSON.stringify(weights) });
const PARAMS = { a: A4, W: W4 };
/** `gradflow analyze w2` of a.csv and b.csv. */
const W2 = ['analyze', 'w2', '<tmp>/a.csv', '<tmp>/b.csv', ...OUT];
const clouds = (a = '0,0\n1,0\n', b = '0,1\n1,1\n') => ({ 'a.csv': a, 'b.csv': b });

const SWEEP_ID = 'a'.repeat(64);
const OTHER_ID = 'b'.repeat(64);
/** A shard summary as gradflow sweep writes it, with `summary` fields replaced. */
const shardTable = (summary: Record<string, Json> = {}) =>
  JSON.stringify({
    summary: { sweepId: SWEEP_ID, pointCount: 1, shard: { index: 0, count: 1 }, status: 'done', points: [0], batches: [], wallSeconds: 0, base: 'default', grid: { 'model.width': [4] }, overrides: [], batched: true, ...summary },
    rows: [],
  });
const pointFile = (index: number, sweepId = SWEEP_ID) => JSON.stringify({ index, overrides: { 'model.width': 4 }, sweepId, pointCount: 1 });
const RESULT = JSON.stringify({ config: {}, metrics: [], stepLosses: [], summary: { status: 'completed' } });

export const HOSTILE_INPUTS: readonly HostileCase[] = [
  // The command line.
  { name: 'unknown command', argv: ['trian', '<tmp>/config.json'], code: 2, message: ["unknown command 'trian'", 'run, list, metrics, check, sweep, merge, analyze'] },
  { name: 'run without a config', argv: ['run', ...OUT], code: 2, message: ['run takes one preset name or config file', 'usage:'] },
  { name: 'run with two configs', files: config(), argv: ['run', '<tmp>/config.json', '<tmp>/config.json', ...OUT], code: 2, message: ['run takes one preset name or config file'] },
  { name: 'unknown flag (typo of --steps)', files: config(), argv: [...RUN, '--stpes', '2'], code: 2, message: ["Unknown option '--stpes'"] },
  { name: 'flag without its value', files: config(), argv: [...RUN, '--steps'], code: 2, message: ['--steps', 'missing'] },
  { name: 'boolean flag given a value', files: config(), argv: [...RUN, '--quiet=yes'], code: 2, message: ["'--quiet' does not take an argument"] },
  { name: 'single-dash flag', files: config(), argv: [...RUN, '-s', '2'], code: 2, message: ["Unknown option '-s'"] },
  { name: '--steps 0', files: config(), argv: [...RUN, '--steps', '0'], code: 2, message: ['steps: got 0', '>=1'] },
  { name: '--steps -1 (read as a flag)', files: config(), argv: [...RUN, '--steps', '-1'], code: 2, message: ['--steps', '--steps=-'] },
  { name: '--steps=-1', files: config(), argv: [...RUN, '--steps=-1'], code: 2, message: ['steps: got -1', '>=1'] },
  { name: '--steps 1.5', files: config(), argv: [...RUN, '--steps', '1.5'], code: 2, message: ['steps: got 1.5', 'int'] },
  { name: '--steps abc', files: config(), argv: [...RUN, '--steps', 'abc'], code: 2, message: ['steps: got "abc"', 'expected number'] },
  { name: '--steps 1e12', files: config(), argv: [...RUN, '--steps', '1e12'], code: 2, message: ['steps: got 1000000000000', 'at most 10,000,000 steps'] },
  { name: '--steps 1e999', files: config(), argv: [...RUN, '--steps', '1e999'], code: 2, message: ['steps: got Infinity'] },
  { name: '--steps empty', files: config(), argv: [...RUN, '--steps', ''], code: 2, message: ['steps: got ""', 'expected number'] },
  { name: '--steps 0x10', files: config(), argv: [...RUN, '--steps', '0x10'], code: 2, message: ['steps: got "0x10"', 'expected number'] },
  { name: '--seed=-5', files: config(), argv: [...RUN, '--seed=-5'], code: 2, message: ['seed: got -5', '>=0'] },
  { name: '--seed 2^32', files: config(), argv: [...RUN, '--seed', '4294967296'], code: 2, message: ['seed: got 4294967296', '<=4294967295'] },
  { name: '--seed 1.5', files: config(), argv: [...RUN, '--seed', '1.5'], code: 2, message: ['seed: got 1.5', 'int'] },
  { name: '--seed random', files: config(), argv: [...RUN, '--seed', 'random'], code: 2, message: ['seed: got "random"', 'expected number'] },
  { name: '--backend cuda', files: config(), argv: [...RUN, '--backend', 'cuda'], code: 2, message: ['backend: got "cuda"', '"gpu"|"float64"'] },
  { name: '--backend GPU (case)', files: config(), argv: [...RUN, '--backend', 'GPU'], code: 2, message: ['backend: got "GPU"', '"gpu"|"float64"'] },
  { name: '--set without =', files: config(), argv: [...RUN, '--set', 'model.width'], code: 2, message: ['--set model.width', 'expected path=value'] },
  { name: '--set with an empty path', files: config(), argv: [...RUN, '--set', '=5'], code: 2, message: ['--set =5', 'expected path=value'] },
  { name: '--set with an empty path segment', files: config(), argv: [...RUN, '--set', 'model..width=5'], code: 2, message: ['--set model..width=5', 'empty field name'] },
  { name: '--set unknown path (typo)', files: config(), argv: [...RUN, '--set', 'model.widht=8'], code: 2, message: ['model.widht', 'unknown field', 'did you mean "width"'] },
  { name: '--set bad value', files: config(), argv: [...RUN, '--set', 'model.width=wide'], code: 2, message: ['model.width: got "wide"; expected number'] },
  { name: '--set empty value', files: config(), argv: [...RUN, '--set', 'model.width='], code: 2, message: ['model.width: got ""'] },
  { name: '--set through __proto__', files: config(), argv: [...RUN, '--set', '__proto__.polluted=1'], code: 2, message: ["'__proto__' is not a config field"] },
  { name: '--set through constructor.prototype', files: config(), argv: [...RUN, '--set', 'constructor.prototype.polluted=1'], code: 2, message: ["'constructor' is not a config field"] },
  { name: '--set into a number', files: config(), argv: [...RUN, '--set', 'steps.value=3'], code: 2, message: ['--set steps.value=3', 'steps is not an object'] },
  { name: '--set a section to a number', files: config(), argv: [...RUN, '--set', 'model=3'], code: 2, message: ['model: got 3'] },
  { name: 'metrics --kind cnn', argv: ['metrics', '--kind', 'cnn'], code: 2, message: ['--kind must be one of two-layer, linear, landscape, got cnn'] },
  { name: 'check an unknown preset', argv: ['check', 'defualt'], code: 2, message: ['unknown preset defualt', 'gradflow list'] },
  { name: 'check nothing', argv: ['check'], code: 2, message: ['name presets to check, or --all'] },

  // The config file itself.
  { name: 'config file missing', argv: RUN, code: 2, message: ['<tmp>/config.json: no preset of that name and no such file', 'presets: default'] },
  { name: 'preset name typo', argv: ['run', 'defualt', ...OUT], code: 2, message: ['defualt: no preset of that name and no such file', 'presets: default'] },
  { name: 'config is a folder', files: { 'config.json': FOLDER }, argv: RUN, code: 2, message: ['<tmp>/config.json: cannot read (EISDIR)'] },
  { name: 'config file empty', files: raw(''), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON'] },
  { name: 'config only whitespace', files: raw('  \n\n'), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON'] },
  { name: 'config trailing comma', files: raw('{"steps": 2,}'), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON', 'position 12'], process: true },
  { name: 'config with comments', files: raw('{\n  // two steps\n  "steps": 2\n}'), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON'] },
  { name: 'config with single quotes', files: raw("{'steps': 2}"), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON'] },
  { name: 'config written as YAML', files: raw('steps: 2\nmodel:\n  width: 4\n'), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON'] },
  { name: 'config is binary', files: raw('\u0000\u0001\u0002PNG\r\n'), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON'] },
  { name: 'config truncated', files: raw('{"steps": 2, "model": {"width": 4'), argv: RUN, code: 2, message: ['<tmp>/config.json: not valid JSON'] },
  { name: 'config is an array', files: raw('[{"steps": 2}]'), argv: RUN, code: 2, message: ['a config must be a JSON object, got [{"steps":2}]'] },
  { name: 'config is null', files: raw('null'), argv: RUN, code: 2, message: ['a config must be a JSON object, got null'] },
  { name: 'config is a string', files: raw('"default"'), argv: RUN, code: 2, message: ['a config must be a JSON object, got "default"'] },

  // Wrong types and out-of-range values.
  { name: 'steps as a string', files: config({ steps: '2' }), argv: RUN, code: 2, message: ['steps: got "2"', 'expected number'] },
  { name: 'steps 0', files: config({ steps: 0 }), argv: RUN, code: 2, message: ['steps: got 0', '>=1'] },
  { name: 'steps 1e999 (Infinity)', files: raw('{"steps": 1e999, "backend": "float64"}'), argv: RUN, code: 2, message: ['steps: got Infinity'] },
  { name: 'steps null', files: config({ steps: null }), argv: RUN, code: 2, message: ['steps: got null', 'expected number'] },
  { name: 'seed negative', files: config({ seed: -1 }), argv: RUN, code: 2, message: ['seed: got -1', '>=0'] },
  { name: 'name a number', files: config({ name: 42 }), argv: RUN, code: 2, message: ['name: got 42', 'expected string'] },
  { name: 'model.width 0', files: config({ model: { width: 0 } }), argv: RUN, code: 2, message: ['model.width: got 0', '>=1'], process: true },
  { name: 'model.width negative', files: config({ model: { width: -4 } }), argv: RUN, code: 2, message: ['model.width: got -4', '>=1'] },
  { name: 'model.width fractional', files: config({ model: { width: 4.5 } }), argv: RUN, code: 2, message: ['model.width: got 4.5', 'int'] },
  { name: 'model.width 1e999', files: raw('{"backend": "float64", "model": {"width": 1e999}}'), argv: RUN, code: 2, message: ['model.width: got Infinity'] },
  { name: 'model.width "wide"', files: config({ model: { width: 'wide' } }), argv: RUN, code: 2, message: ['model.width: got "wide"', 'expected number'] },
  { name: 'model.width far beyond memory', files: config({ model: { width: 1e12 } }), argv: RUN, code: 2, message: ['model.width', '1000000000000'] },
  { name: 'data.sampleCount beyond the counters', files: config({ data: { sampleCount: 3e9 } }), argv: RUN, code: 2, message: ['data.sampleCount: got 3000000000', "exceeds the generator's 2^32 counters"] },
  { name: 'learningRate 0', files: config({ optimizer: { learningRate: 0 } }), argv: RUN, code: 2, message: ['optimizer.learningRate: got 0', '>0'] },
  { name: 'learningRate negative', files: config({ optimizer: { learningRate: -0.1 } }), argv: RUN, code: 2, message: ['optimizer.learningRate: got -0.1', '>0'] },
  { name: 'learningRate 1e999', files: raw('{"backend": "float64", "optimizer": {"learningRate": 1e999}}'), argv: RUN, code: 2, message: ['optimizer.learningRate: got Infinity'] },
  { name: 'learningRate as a string', files: config({ optimizer: { learningRate: '0.1' } }), argv: RUN, code: 2, message: ['optimizer.learningRate: got "0.1"', 'expected number'] },
  { name: 'checkpointEvery negative', files: config({ checkpointEvery: -1 }), argv: RUN, code: 2, message: ['checkpointEvery: got -1', '>=0'] },
  { name: 'stepsPerSubmit too large', files: config({ stepsPerSubmit: 5000 }), argv: RUN, code: 2, message: ['stepsPerSubmit: got 5000', '<=4096'] },
  { name: 'online as a string', files: config({ online: 'yes' }), argv: RUN, code: 2, message: ['online: got "yes"', 'expected boolean'] },
  { name: 'metrics.every 0', files: config({ metrics: { every: 0 } }), argv: RUN, code: 2, message: ['metrics.every: got 0', '>=1'] },
  { name: 'metrics.names a string', files: config({ metrics: { names: 'loss' } }), argv: RUN, code: 2, message: ['metrics.names: got "loss"', 'expected array'] },
  { name: 'data.sampleCount 0', files: config({ data: { sampleCount: 0 } }), argv: RUN, code: 2, message: ['data.sampleCount: got 0', 'sampleCount must be a positive integer'] },
  { name: 'data.inputDim 0', files: config({ data: { inputDim: 0 } }), argv: RUN, code: 2, message: ['data.inputDim: got 0', 'inputDim must be a positive integer'] },
  { name: 'data.testCount negative', files: config({ data: { testCount: -1 } }), argv: RUN, code: 2, message: ['data.testCount: got -1', 'testCount must be an integer >= 0'] },
  { name: 'data.labelNoiseStd negative', files: config({ data: { labelNoiseStd: -1 } }), argv: RUN, code: 2, message: ['data.labelNoiseStd: got -1', 'labelNoiseStd must be >= 0'] },
  { name: 'model.init.wScale 0', files: config({ model: { init: { wScale: 0 } } }), argv: RUN, code: 2, message: ['model.init.wScale: got 0', '>0'] },
  { name: 'model.init.aStd negative', files: config({ model: { init: { aStd: -1 } } }), argv: RUN, code: 2, message: ['model.init.aStd: got -1', '>=0'] },
  { name: 'momentum beta 1.5', files: config({ optimizer: { rule: { kind: 'momentum', beta: 1.5 } } }), argv: RUN, code: 2, message: ['optimizer.rule.beta: got 1.5', '<1'] },

  // Unknown names and keys, typos.
  { name: 'unknown top-level key (typo of steps)', files: config({ setps: 2 }), argv: RUN, code: 2, message: ['setps', 'unknown field', 'did you mean "steps"'] },
  { name: 'learningRate at the top level', files: config({ learningRate: 0.1 }), argv: RUN, code: 2, message: ['learningRate', 'unknown field', 'optimizer.learningRate'] },
  { name: 'key in the wrong case', files: config({ optimizer: { LearningRate: 0.1 } }), argv: RUN, code: 2, message: ['optimizer.LearningRate', 'unknown field', 'did you mean "learningRate"'] },
  { name: 'thousands of unknown keys', files: config(Object.fromEntries(Array.from({ length: 5000 }, (_, k) => [`field${k}`, k]))), argv: RUN, code: 2, message: ['field0: unknown field', '(top level): 4990 more unknown fields'] },
  { name: 'unknown model key (typo of width)', files: config({ model: { widht: 8 } }), argv: RUN, code: 2, message: ['model.widht', 'unknown field', 'did you mean "width"'] },
  { name: 'model.activation (ReLU only)', files: config({ model: { activation: 'tanh' } }), argv: RUN, code: 2, message: ['model.activation', 'unknown field', 'scaling'] },
  { name: 'model.init.kind (no named inits)', files: config({ model: { init: { kind: 'xavier' } } }), argv: RUN, code: 2, message: ['model.init.kind', 'unknown field', 'wScale'] },
  { name: 'unknown landscape spec key', files: landscape({ spec: { kind: 'escape', particleCount: 2, learningRate: 0.1, lr: 0.1 } }), argv: RUN, code: 2, message: ['model.spec.lr', 'unknown field', 'learningRate'] },
  { name: 'unknown model kind', files: config({ model: { kind: 'cnn' } }), argv: RUN, code: 2, message: ['model.kind: got "cnn"', "'two-layer' | 'landscape' | 'linear'"] },
  { name: 'model kind in the wrong case', files: config({ model: { kind: 'Two-Layer' } }), argv: RUN, code: 2, message: ['model.kind: got "Two-Layer"', "'two-layer'"] },
  { name: 'unknown optimizer name', files: config({ optimizer: { rule: 'adamw' } }), argv: RUN, code: 2, message: ['optimizer.rule', 'got "adamw"', "'adam'"] },
  { name: 'unknown optimizer kind', files: config({ optimizer: { rule: { kind: 'lion' } } }), argv: RUN, code: 2, message: ['optimizer.rule.kind: got "lion"', "'momentum'"] },
  { name: 'optimizer given as a name', files: config({ optimizer: 'adam' }), argv: RUN, code: 2, message: ['optimizer: got "adam"', 'expected object'] },
  { name: 'unknown schedule kind', files: config({ optimizer: { schedule: { kind: 'step' } } }), argv: RUN, code: 2, message: ['optimizer.schedule.kind: got "step"', "'cosine'"] },
  { name: 'unknown loss', files: config({ loss: 'hinge' }), argv: RUN, code: 2, message: ['loss: got "hinge"', '"square"|"logistic"|"exponential"'] },
  { name: 'unknown scaling', files: config({ model: { scaling: 'xavier' } }), argv: RUN, code: 2, message: ['model.scaling: got "xavier"', '"mean-field"|"ntk"|"standard"'] },
  { name: 'unknown data kind', files: config({ data: { kind: 'mnist' } }), argv: RUN, code: 2, message: ['data.kind: got "mnist"', "'digits'"] },
  { name: 'data without a kind', files: raw(JSON.stringify({ backend: 'float64', data: { sampleCount: 8 } })), argv: RUN, code: 2, message: ['data.kind: missing', "'teacher-student'"] },
  { name: 'unknown teacher kind', files: config({ data: { teacher: { kind: 'big' } } }), argv: RUN, code: 2, message: ['data.teacher.kind: got "big"', "'random'"] },
  { name: 'unknown metric name', files: config({ metrics: { names: ['loss', 'acc'] } }), argv: RUN, code: 2, message: ['metrics.names.1: got "acc"', '"testLoss"'] },
  { name: 'metric of another model kind', files: landscape({ target: [1] }), argv: [...RUN, '--set', 'metrics.names=["testLoss"]'], code: 2, message: ['metrics.names.0', 'testLoss is not logged for a landscape model', 'allowed: '] },
  { name: 'unknown matmul kernel', files: config({ kernels: { matmul: 'fast' } }), argv: RUN, code: 2, message: ['kernels.matmul: got "fast"', '"auto"'] },
  { name: 'unknown init directions kind', files: config({ model: { init: { directions: { kind: 'gaussian', kappa: 1 } } } }), argv: RUN, code: 2, message: ['model.init.directions.kind: got "gaussian"', '"von-mises"'] },

  // Missing and contradictory fields.
  { name: 'landscape without a spec', files: raw(JSON.stringify({ backend: 'float64', model: { kind: 'landscape', start: { point: [0] } } })), argv: RUN, code: 2, message: ['model.spec: missing', "expected an object whose kind is 'quadratic-sum', 'escape', 'strict-saddle', 'perko' or 'expression'"] },
  { name: 'landscape spec without a learning rate', files: landscape({ spec: { kind: 'escape', particleCount: 2 } }), argv: RUN, code: 2, message: ['model.spec.learningRate: missing'] },
  { name: 'landscape without a start', files: raw(JSON.stringify({ backend: 'float64', model: { kind: 'landscape', spec: { kind: 'escape', particleCount: 2, learningRate: 0.1 } } })), argv: RUN, code: 2, message: ['model.start: missing', 'expected one of {low, high} or {point} or {points}'] },
  { name: 'landscape particleCount 0', files: landscape({ spec: { kind: 'escape', particleCount: 0, learningRate: 0.1 } }), argv: RUN, code: 2, message: ['model.spec.particleCount: got 0', '>=1'] },
  { name: 'landscape start of the wrong dimension', files: landscape({ start: { point: [0.5, 0.5, 0.5] } }), argv: RUN, code: 2, message: ['model.start.point: got [0.5,0.5,0.5]', 'the escape landscape has k = 1'] },
  { name: 'expression landscape: gradient count', files: landscape({ spec: { kind: 'expression', particleCount: 2, learningRate: 0.1, dim: 2, value: 'x[0] * x[0]', gradient: ['2.0 * x[0]'] }, start: { point: [1, 1] } }), argv: RUN, code: 2, message: ['model.spec.gradient', 'expected one per coordinate (dim = 2)'] },
  { name: 'expression landscape on float64', files: landscape({ spec: { kind: 'expression', particleCount: 2, learningRate: 0.1, dim: 1, value: 'x[0] * x[0]', gradient: ['2.0 * x[0]'] }, start: { point: [1] } }), argv: RUN, code: 2, message: ['backend', 'float64', "'gpu'"] },
  { name: 'expression landscape: ^ for a power', files: landscape({ spec: { kind: 'expression', particleCount: 2, learningRate: 0.1, dim: 1, value: 'x[0]^2', gradient: ['2.0 * x[0]'] }, start: { point: [1] } }), argv: [...RUN, '--backend', 'gpu'], code: 2, message: ['model.spec.value: line 1, column 5', "'^'"] },
  { name: 'expression landscape: unknown function', files: landscape({ spec: { kind: 'expression', particleCount: 2, learningRate: 0.1, dim: 1, value: 'x[0] * x[0]', gradient: ['deriv(x[0])'] }, start: { point: [1] } }), argv: [...RUN, '--backend', 'gpu'], code: 2, message: ['model.spec.gradient[0]: line 1, column 1', "'deriv' is not allowed", 'abs'] },
  { name: 'schedule rate differs from the optimizer rate', files: config({ optimizer: { learningRate: 0.1, schedule: { kind: 'cosine', learningRate: 0.2, decaySteps: 2 } } }), argv: RUN, code: 2, message: ['optimizer.schedule.learningRate', 'a schedule starts at the run\'s rate optimizer.learningRate (0.1)'] },
  { name: 'cosine schedule without decaySteps', files: config({ optimizer: { schedule: { kind: 'cosine' } } }), argv: RUN, code: 2, message: ['optimizer.schedule.decaySteps: missing'] },
  { name: 'sphere with adam', files: config({ model: { sphere: true }, optimizer: { rule: 'adam' } }), argv: RUN, code: 2, message: ['model.sphere: got true', 'needs plain GD'] },
  { name: 'w2ToTarget without a target', files: config({ metrics: { names: ['loss', 'w2ToTarget'] } }), argv: RUN, code: 2, message: ['metrics.w2: missing', 'w2ToTarget needs a target'] },
  { name: 'batch larger than the data', files: config({ optimizer: { batchSize: 100 } }), argv: RUN, code: 2, message: ['optimizer.batchSize: got 100', 'over the 8 training samples'] },
  { name: 'test metric without a test set', files: config({ data: { testCount: 0 }, metrics: { names: ['loss', 'testLoss'] } }), argv: RUN, code: 2, message: ['metrics.names', 'testLoss', 'data.testCount'] },
  { name: 'von Mises directions with inputDim 3', files: config({ data: { inputDim: 3 }, model: { init: { directions: { kind: 'von-mises', kappa: 1 } } } }), argv: RUN, code: 2, message: ['model.init.directions', 'needs inputDim 2, the data have 3'] },
  { name: 'XOR in one dimension', files: config({ data: { kind: 'xor', inputDim: 1 } }), argv: RUN, code: 2, message: ['data.inputDim: got 1', 'XOR clusters need inputDim >= 2'] },

  // CSV data files.
  { name: 'CSV missing', files: withData({ kind: 'csv', path: '<tmp>/data.csv' }), argv: RUN, code: 2, message: ['<tmp>/data.csv', 'cannot read', 'ENOENT'] },
  { name: 'CSV path is a folder', files: { ...withData({ kind: 'csv', path: '<tmp>/data.csv' }), 'data.csv': FOLDER }, argv: RUN, code: 2, message: ['<tmp>/data.csv', 'cannot read', 'EISDIR'] },
  { name: 'CSV path empty', files: withData({ kind: 'csv', path: '' }), argv: RUN, code: 2, message: ['data.path: got ""', 'path must name the CSV file'] },
  { name: 'CSV empty', files: csv(''), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 1, column 1: the file is empty'] },
  { name: 'CSV header only', files: csv('x0,x1,y\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 2, column 1: no data rows after the header'] },
  { name: 'CSV ragged row', files: csv('x0,x1,y\n1,2,3\n4,5\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 3', 'the row has 2 fields, the header has 3'], process: true },
  { name: 'CSV ragged row on the default backend (gpu)', files: csv('x0,x1,y\n1,2,3\n4,5\n'), argv: [...RUN, '--backend', 'gpu'], code: 2, message: ['<tmp>/data.csv: line 3', 'the row has 2 fields, the header has 3'] },
  { name: 'CSV non-numeric cell', files: csv('x0,x1,y\n1,2,3\n4,five,6\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 3, column 2', "'five' is not a number"] },
  { name: 'CSV NaN cell', files: csv('x0,x1,y\n1,NaN,3\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 2, column 2', "is 'NaN'; values must be finite numbers"] },
  { name: 'CSV empty cell', files: csv('x0,x1,y\n1,,3\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 2, column 2', 'x1 is empty; expected a number'] },
  { name: 'CSV beyond float32', files: csv('x0,x1,y\n1,1e39,3\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 2, column 2', 'beyond the float32 range'] },
  { name: 'CSV hex cell', files: csv('x0,x1,y\n1,0x1F,3\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 2, column 2', "'0x1F' is not a number"] },
  { name: 'CSV label column named label', files: csv('x0,x1,label\n1,2,3\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 1, column 3', "the last column is 'label', expected 'y'"] },
  { name: 'CSV without a header', files: csv('1,2,3\n4,5,6\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 1, column 1', "column 1 is '1', expected 'x0'"] },
  { name: 'CSV with semicolons', files: csv('x0;x1;y\n1;2;3\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 1', "'x0;x1;y'"] },
  { name: 'CSV quoted numbers', files: csv('x0,x1,y\n"1","2","3"\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 2, column 1', `'"1"' is not a number`] },
  { name: 'CSV blank line inside', files: csv('x0,x1,y\n1,2,3\n\n4,5,6\n'), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 3, column 1', 'blank line inside the data'] },
  { name: 'CSV 0/1 labels with the logistic loss', files: csv('x0,x1,y\n1,2,1\n3,4,0\n', { loss: 'logistic' }), argv: RUN, code: 2, message: ['<tmp>/data.csv: line 3, column 3', 'label y = 0 is not in {-1, +1}'] },
  { name: 'CSV one row, half held out, with a test metric', files: csv('x0,x1,y\n1,2,3\n', { testFraction: 0.5 }), argv: [...RUN, '--set', 'metrics.names=["loss","testLoss"]'], code: 2, message: ['metrics.names', 'testLoss', 'data.testFraction'] },
  { name: 'CSV testFraction 1', files: csv('x0,x1,y\n1,2,3\n4,5,6\n', { testFraction: 1 }), argv: RUN, code: 2, message: ['data.testFraction: got 1', 'testFraction must lie in [0, 1)'] },
  { name: 'CSV testPath missing', files: csv('x0,x1,y\n1,2,3\n', { testPath: '<tmp>/test.csv' }), argv: RUN, code: 2, message: ['<tmp>/test.csv', 'cannot read', 'ENOENT'] },
  { name: 'CSV testPath empty', files: csv('x0,x1,y\n1,2,3\n', { testPath: '' }), argv: RUN, code: 2, message: ['data.testPath: got ""', 'testPath must name the test CSV file'] },
  { name: 'CSV testPath with one input column fewer', files: csvWithTest('x0,x1,y\n1,2,3\n', 'x0,y\n1,3\n'), argv: RUN, code: 2, message: ['<tmp>/test.csv: line 1, column 2', 'the header has 1 input column, the train file <tmp>/data.csv has 2', 'x0,x1,y'], process: true },
  { name: 'CSV testPath with one input column more', files: csvWithTest('x0,x1,y\n1,2,3\n', 'x0,x1,x2,y\n1,2,0,3\n'), argv: RUN, code: 2, message: ['<tmp>/test.csv: line 1, column 3', 'the header has 3 input columns, the train file <tmp>/data.csv has 2', 'x0,x1,y'] },
  { name: 'CSV testPath with another header', files: csvWithTest('x0,x1,y\n1,2,3\n', 'a,b,y\n1,2,3\n'), argv: RUN, code: 2, message: ['<tmp>/test.csv: line 1, column 1', "column 1 is 'a', expected 'x0'"] },
  { name: 'CSV testPath ragged row', files: csvWithTest('x0,x1,y\n1,2,3\n', 'x0,x1,y\n1,2,3\n4,5\n'), argv: RUN, code: 2, message: ['<tmp>/test.csv: line 3', 'the row has 2 fields, the header has 3'] },
  { name: 'CSV testPath misspelled', files: withData({ kind: 'csv', path: '<tmp>/data.csv', testPth: '<tmp>/test.csv' }), argv: RUN, code: 2, message: ['data.testPth', 'unknown field', 'did you mean "testPath"'] },
  { name: 'CSV testPath with testFraction > 0', files: csvWithTest('x0,x1,y\n1,2,3\n4,5,6\n', 'x0,x1,y\n1,2,3\n', { testFraction: 0.5 }), argv: RUN, code: 2, message: ['data.testFraction: got 0.5', "testPath '<tmp>/test.csv' is the test set", 'set testFraction to 0'] },
  { name: 'CSV testPath 0/1 labels with the logistic loss', files: csvWithTest('x0,x1,y\n1,2,1\n3,4,-1\n', 'x0,x1,y\n1,2,-1\n3,4,0\n', { loss: 'logistic' }), argv: RUN, code: 2, message: ['<tmp>/test.csv: line 3, column 3', 'label y = 0 is not in {-1, +1}', 'the logistic loss needs'] },

  // Init files (model.init.path).
  { name: 'init file missing', files: config({ model: { init: { path: '<tmp>/init.json' } } }), argv: RUN, code: 2, message: ['<tmp>/init.json: cannot read', 'ENOENT'] },
  { name: 'init path empty', files: config({ model: { init: { path: '' } } }), argv: RUN, code: 2, message: ['model.init.path: got ""', '>=1 characters'] },
  { name: 'init file not JSON', files: init('a = [1, 2]'), argv: RUN, code: 2, message: ['<tmp>/init.json: not valid JSON'] },
  { name: 'init file an array', files: initJson([A4, W4]), argv: RUN, code: 2, message: ['<tmp>/init.json: expected an object {"a": [...], "W": [[...], ...]}'] },
  { name: 'init W with too few rows', files: initJson({ a: A4, W: W4.slice(0, 3) }), argv: RUN, code: 2, message: ['<tmp>/init.json: "W" must be an array of 4 rows (one per neuron), got 3'] },
  { name: 'init W row of the wrong length', files: initJson({ a: A4, W: [[1, 0, 0], ...W4.slice(1)] }), argv: RUN, code: 2, message: ['<tmp>/init.json: "W"[0] must have 2 numbers (the input dimension)'] },
  { name: 'init W transposed', files: initJson({ a: A4, W: [[1, 0, 1, -1], [0, 1, 1, 0]] }), argv: RUN, code: 2, message: ['"W" must be an array of 4 rows', 'got 2'] },
  { name: 'init a of the wrong length', files: initJson({ a: [1, 2], W: W4 }), argv: RUN, code: 2, message: ['<tmp>/init.json: "a" has 2 entries, the model has width 4'] },
  { name: 'init a with a string', files: initJson({ a: [1, 'x', 0, 0], W: W4 }), argv: RUN, code: 2, message: ['<tmp>/init.json: "a"[1] is "x", expected a finite number'] },
  { name: 'init a with 1e999', files: init(`{"a": [1, 1e999, 0, 0], "W": ${JSON.stringify(W4)}}`), argv: RUN, code: 2, message: ['<tmp>/init.json: "a"[1] is Infinity, expected a finite number'] },
  { name: 'init b without model.bias', files: initJson({ a: A4, W: W4, b: A4 }), argv: RUN, code: 2, message: ['<tmp>/init.json: "b" is given but model.bias is false'] },
  { name: 'init b missing with model.bias', files: initJson({ a: A4, W: W4 }, { bias: true }), argv: RUN, code: 2, message: ['<tmp>/init.json: "b" must be an array of 4 numbers'] },
  { name: 'init unknown field', files: initJson({ a: A4, W: W4, w: W4 }), argv: RUN, code: 2, message: ['<tmp>/init.json: unknown field "w" (allowed: a, W, b)'] },

  // Sweep files.
  { name: 'sweep file missing', argv: SWEEP, code: 2, message: ['<tmp>/sweep.json: cannot read (ENOENT)'] },
  { name: 'sweep file not JSON', files: { 'sweep.json': 'base: default' }, argv: SWEEP, code: 2, message: ['<tmp>/sweep.json: not valid JSON'] },
  { name: 'sweep without a file', argv: ['sweep', ...OUT], code: 2, message: ['sweep takes one sweep file'] },
  { name: 'sweep without a base', files: { 'sweep.json': JSON.stringify({ grid: { 'model.width': [4] } }) }, argv: SWEEP, code: 2, message: ['base: missing', 'a sweep file is {"base"'] },
  { name: 'sweep base not a string', files: sweep({ base: 7, grid: { 'model.width': [4] } }), argv: SWEEP, code: 2, message: ['base: got 7', 'expected string'] },
  { name: 'sweep base missing', files: { 'sweep.json': JSON.stringify({ base: '<tmp>/nothing.json', grid: { 'model.width': [4] } }) }, argv: SWEEP, code: 2, message: ['<tmp>/nothing.json: no preset of that name and no such file'] },
  { name: 'sweep misspelt grid', files: sweep({ grids: { 'model.width': [4] } }), argv: SWEEP, code: 2, message: ['grids: unknown field; did you mean "grid"?', 'a sweep file is {"base"'] },
  { name: 'sweep empty grid', files: sweep({ grid: {} }), argv: SWEEP, code: 2, message: ['grid: got {}', 'at least one config path'] },
  { name: 'sweep value not an array', files: sweep({ grid: { 'model.width': 4 } }), argv: SWEEP, code: 2, message: ['grid.model.width: got 4', 'expected array'] },
  { name: 'sweep empty value list', files: sweep({ grid: { 'model.width': [] } }), argv: SWEEP, code: 2, message: ['grid.model.width: got []', '>=1 items'] },
  { name: 'sweep empty path', files: sweep({ grid: { '': [4] } }), argv: SWEEP, code: 2, message: ['grid."": got [4]', 'a sweep file is {"base"'] },
  { name: 'sweep unknown path', files: sweep({ grid: { 'model.widht': [4, 8] } }), argv: SWEEP, code: 2, message: ['point 0 (model.widht=4)', 'model.widht', 'did you mean "width"'] },
  { name: 'sweep duplicate values', files: sweep({ grid: { 'model.width': [4, 8, 4] } }), argv: SWEEP, code: 2, message: ['grid.model.width', 'value 4 twice'] },
  { name: 'sweep bad value at a later point', files: sweep({ grid: { 'model.width': [4, -1] } }), argv: SWEEP, code: 2, message: ['point 1 (model.width=-1)', 'model.width: got -1'] },
  { name: 'sweep path through __proto__', files: sweep({ grid: { '__proto__.polluted': [1] } }), argv: SWEEP, code: 2, message: ["'__proto__' is not a config field"] },
  { name: 'sweep path into a number', files: sweep({ grid: { 'steps.value': [1] } }), argv: SWEEP, code: 2, message: ['steps is not an object'] },
  { name: 'sweep base with its own sweep', files: sweep({ grid: { 'model.width': [4] } }, { sweep: { 'model.width': [4, 8] } }), argv: SWEEP, code: 2, message: ['carries its own sweep block'] },
  { name: '--shard 3/2', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', '3/2'], code: 2, message: ['--shard: got "3/2"', 'expected k/N with 0 <= k < N'] },
  { name: '--shard 2/2', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', '2/2'], code: 2, message: ['--shard: got "2/2"', 'expected k/N with 0 <= k < N'] },
  { name: '--shard=-1/2', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard=-1/2'], code: 2, message: ['--shard: got "-1/2"', 'expected k/N'] },
  { name: '--shard a/b', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', 'a/b'], code: 2, message: ['--shard: got "a/b"', 'expected k/N'] },
  { name: '--shard 0/0', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', '0/0'], code: 2, message: ['--shard: got "0/0"', 'expected k/N'] },
  { name: '--shard 1', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', '1'], code: 2, message: ['--shard: got "1"', 'expected k/N'] },
  { name: '--shards 0', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', 'auto', '--shards', '0'], code: 2, message: ['--shards: got "0"', 'a whole number >= 1'] },
  { name: '--shards without --shard auto', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shards', '4'], code: 2, message: ['--shards 4: goes with --shard auto'] },
  { name: '--shard auto outside a scheduler', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', 'auto'], code: 2, message: ['--shard auto: neither SLURM_ARRAY_TASK_ID', 'give --shard k/N'] },
  { name: '--shard auto, Slurm id without a count', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', 'auto'], env: { SLURM_ARRAY_TASK_ID: '3' }, code: 2, message: ['SLURM_ARRAY_TASK_ID=3 is set but SLURM_ARRAY_TASK_COUNT is not'] },
  { name: '--shard auto, Slurm id not a number', files: sweep({ grid: { 'model.width': [4] } }), argv: [...SWEEP, '--shard', 'auto'], env: { SLURM_ARRAY_TASK_ID: 'x' }, code: 2, message: ['SLURM_ARRAY_TASK_ID="x" is not a whole number'] },

  // A config's own sweep block (one run set).
  { name: 'run set over the step count', files: config({ sweep: { steps: [2, 3] } }), argv: RUN, code: 2, message: ['sweep: steps must be the same for every member of a run set', 'member 0 has 2, member 1 has 3'] },
  { name: 'run set over the data', files: config({ sweep: { 'data.sampleCount': [8, 16] } }), argv: RUN, code: 2, message: ['sweep: data must be the same for every member of a run set'] },
  { name: 'run set with an empty value list', files: config({ sweep: { 'model.width': [] } }), argv: RUN, code: 2, message: ['sweep.model.width', '>=1 items'] },
  { name: 'run set given as a string', files: config({ sweep: 'model.width=4,8' }), argv: RUN, code: 2, message: ['sweep', 'expected record'] },

  // Merge.
  { name: 'merge without --out', files: { shards: FOLDER }, argv: ['merge', '<tmp>/shards'], code: 2, message: ['merge takes shard folders (or one folder the shards shared) and --out DIR'] },
  { name: 'merge without folders', argv: ['merge', ...OUT], code: 2, message: ['merge takes shard folders'] },
  { name: 'merge a missing folder', argv: MERGE, code: 2, message: ['<tmp>/shards: no such folder', 'expected a folder written by gradflow sweep --out'], process: true },
  { name: 'merge a plain file', files: { shards: 'not a folder' }, argv: MERGE, code: 2, message: ['<tmp>/shards: is a plain file, not a folder'] },
  { name: 'merge an empty folder', files: { shards: FOLDER }, argv: MERGE, code: 2, message: ['<tmp>/shards: is empty'] },
  { name: 'merge a run folder (result.json {})', files: { 'shards/result.json': '{}' }, argv: MERGE, code: 2, message: ['<tmp>/shards: holds no shard summary (shard-<k>-of-<N>.json)'] },
  { name: 'merge a shard summary {}', files: { 'shards/shard-0-of-1.json': '{}' }, argv: MERGE, code: 2, message: ['<tmp>/shards/shard-0-of-1.json: not a shard summary of gradflow sweep'] },
  { name: 'merge a shard summary that is not JSON', files: { 'shards/shard-0-of-1.json': '{"summary": ' }, argv: MERGE, code: 2, message: ['<tmp>/shards/shard-0-of-1.json: not valid JSON'] },
  { name: 'merge a summary under another shard name', files: { 'shards/shard-1-of-2.json': shardTable() }, argv: MERGE, code: 2, message: ['<tmp>/shards/shard-1-of-2.json: not a shard summary', '"shard": {"index": 1, "count": 2}'] },
  { name: 'merge a negative point count', files: { 'shards/shard-0-of-1.json': shardTable({ pointCount: -1 }) }, argv: MERGE, code: 2, message: ['<tmp>/shards/shard-0-of-1.json', 'pointCount', '-1'] },
  { name: 'merge a point count its grid does not give', files: { 'shards/shard-0-of-1.json': shardTable({ pointCount: 1e9 }) }, argv: MERGE, code: 2, message: ['<tmp>/shards/shard-0-of-1.json', 'pointCount', '1000000000', 'grid'] },
  { name: 'merge a point whose result.json is {}', files: { 'shards/shard-0-of-1.json': shardTable(), 'shards/point-0/sweep-point.json': pointFile(0), 'shards/point-0/result.json': '{}' }, argv: MERGE, code: 2, message: ['<tmp>/shards/point-0/result.json: not a gradflow result'] },
  { name: 'merge a point without sweep-point.json', files: { 'shards/shard-0-of-1.json': shardTable(), 'shards/point-0/result.json': RESULT }, argv: MERGE, code: 2, message: ['<tmp>/shards/point-0/sweep-point.json: missing'] },
  { name: 'merge a stale point', files: { 'shards/shard-0-of-1.json': shardTable(), 'shards/point-0/sweep-point.json': pointFile(0, OTHER_ID), 'shards/point-0/result.json': RESULT }, argv: MERGE, code: 2, message: ['<tmp>/shards/point-0: stale point of another sweep'] },
  { name: 'merge with points missing', files: { 'shards/shard-0-of-1.json': shardTable({ pointCount: 2, grid: { 'model.width': [4, 8] } }), 'shards/point-0/sweep-point.json': pointFile(0), 'shards/point-0/result.json': RESULT }, argv: MERGE, code: 2, message: ['missing 1 of 2 points', '--allow-partial'] },
  { name: 'merge shards of two sweeps', files: { 'shards/shard-0-of-1.json': shardTable(), 'other/shard-0-of-1.json': shardTable({ sweepId: OTHER_ID }) }, argv: [...MERGE.slice(0, 2), '<tmp>/other', ...OUT], code: 2, message: ['shards of different sweeps', SWEEP_ID, OTHER_ID] },


  // gradflow analyze: a network at saved parameters.
  { name: 'analyze without --params', files: config(), argv: ['analyze', '<tmp>/config.json', ...OUT], code: 2, message: ['needs --params FILE', 'usage:'], process: true },
  { name: 'analyze without a config', files: params(PARAMS), argv: ['analyze', '--params', '<tmp>/params.json', ...OUT], code: 2, message: ['analyze takes one preset name or config file'] },
  { name: 'analyze --params file missing', files: config(), argv: ANALYZE, code: 2, message: ['<tmp>/params.json: cannot read (ENOENT)'] },
  { name: 'analyze --params not JSON', files: { ...config(), 'params.json': '{"a": ' }, argv: ANALYZE, code: 2, message: ['<tmp>/params.json: not valid JSON'] },
  { name: 'analyze params of another width', files: params({ a: [1, 2, 3], W: W4 }), argv: ANALYZE, code: 2, message: ['<tmp>/params.json: "a" has 3 entries, the model has width 4'] },
  { name: 'analyze params of another input dimension', files: params({ a: A4, W: W4.map((row) => [...row, 0]) }), argv: ANALYZE, code: 2, message: ['<tmp>/params.json: "W"[0] must have 2 numbers (the input dimension)'] },
  { name: 'analyze params with a string entry', files: params({ a: [1, 'x', 0.5, 0.25], W: W4 }), argv: ANALYZE, code: 2, message: ['<tmp>/params.json: "a"[1] is "x", expected a finite number'] },
  { name: 'analyze params with a bias the model lacks', files: params({ ...PARAMS, b: [0, 0, 0, 0] }), argv: ANALYZE, code: 2, message: ['"b" is given but model.bias is false'] },
  { name: 'analyze a result.json without final', files: params({ config: {}, metrics: [], summary: { status: 'completed' } }), argv: ANALYZE, code: 2, message: ['<tmp>/params.json: a result.json without "final" parameters', '--save-params'] },
  { name: 'analyze a landscape model', files: { ...landscape({}), 'params.json': JSON.stringify(PARAMS) }, argv: ANALYZE, code: 2, message: ['model.kind: got "landscape"', "'two-layer'"] },
  { name: 'analyze more samples than the limit', files: params(PARAMS, { data: { sampleCount: 3000 } }), argv: ANALYZE, code: 2, message: ['data: 3000 training samples, over the 2048', '--set data.sampleCount=2048'] },
  { name: 'analyze a run set without --member', files: params(PARAMS, { sweep: { 'optimizer.learningRate': [0.1, 0.2, 0.3] } }), argv: ANALYZE, code: 2, message: ['is a run set of 3 members', '--member k, k in 0..2'] },
  { name: 'analyze --member out of range', files: params(PARAMS, { sweep: { 'optimizer.learningRate': [0.1, 0.2] } }), argv: [...ANALYZE, '--member', '2'], code: 2, message: ['--member: got "2"', 'a whole number in [0, 1]'] },
  { name: 'analyze --member without a sweep block', files: params(PARAMS), argv: [...ANALYZE, '--member', '0'], code: 2, message: ['--member 0', 'has no sweep block'] },
  { name: 'analyze --set typo', files: params(PARAMS), argv: [...ANALYZE, '--set', 'model.widht=4'], code: 2, message: ['model.widht', 'unknown field', 'did you mean "width"'] },
  { name: 'analyze --backend cuda', files: params(PARAMS), argv: [...ANALYZE, '--backend', 'cuda'], code: 2, message: ['--backend: got "cuda"', 'float64, gpu'] },
  { name: 'analyze --dense-limit=-1', files: params(PARAMS), argv: [...ANALYZE, '--dense-limit=-1'], code: 2, message: ['--dense-limit: got "-1"', 'a whole number in [0, inf]'] },
  { name: 'analyze --dense-limit lots', files: params(PARAMS), argv: [...ANALYZE, '--dense-limit', 'lots'], code: 2, message: ['--dense-limit: got "lots"', 'a whole number'] },
  { name: 'analyze --top 0', files: params(PARAMS), argv: [...ANALYZE, '--top', '0'], code: 2, message: ['--top: got "0"', 'a whole number in [1, inf]'] },
  { name: 'analyze --top 2.5', files: params(PARAMS), argv: [...ANALYZE, '--top', '2.5'], code: 2, message: ['--top: got "2.5"', 'a whole number'] },
  { name: 'analyze --method for a network', files: params(PARAMS), argv: [...ANALYZE, '--method', 'exact'], code: 2, message: ['--method: only for gradflow analyze w2'] },
  { name: 'analyze --force without --out', files: params(PARAMS), argv: ['analyze', '<tmp>/config.json', '--params', '<tmp>/params.json', '--force'], code: 2, message: ['--force goes with --out DIR'] },
  { name: 'analyze --out a plain file', files: { ...params(PARAMS), out: 'notes' }, argv: ANALYZE, code: 2, message: ['--out', '<tmp>/out', PLAIN_FILE] },
  { name: 'analyze --out a folder with earlier results', files: { ...params(PARAMS), 'out/analysis.json': '{}' }, argv: ANALYZE, code: 2, message: ['--out', '<tmp>/out', 'analysis.json', '--force'] },
  { name: 'analyze unknown flag', files: params(PARAMS), argv: [...ANALYZE, '--eps', '1'], code: 2, message: ["Unknown option '--eps'"] },

  // gradflow analyze w2: two point clouds.
  { name: 'w2 with one file', files: clouds(), argv: ['analyze', 'w2', '<tmp>/a.csv', ...OUT], code: 2, message: ['analyze w2 takes two point-cloud CSV files', 'got 1'] },
  { name: 'w2 file missing', files: { 'a.csv': '0,0\n' }, argv: W2, code: 2, message: ['<tmp>/b.csv: cannot read (ENOENT)'] },
  { name: 'w2 non-numeric value', files: clouds(undefined, '0,1\n1,abc\n'), argv: W2, code: 2, message: ['<tmp>/b.csv: line 2, column 2', "'abc' is not a number"], process: true },
  { name: 'w2 non-numeric value under a header', files: clouds('x,y\n0,0\n1,0x1\n'), argv: W2, code: 2, message: ['<tmp>/a.csv: line 3, column 2', "'0x1' is not a number"] },
  { name: 'w2 ragged row', files: clouds('0,0\n1\n'), argv: W2, code: 2, message: ['<tmp>/a.csv: line 2, column 2', 'the row has 1 fields, the header has 2'] },
  { name: 'w2 NaN coordinate', files: clouds('0,0\nNaN,1\n'), argv: W2, code: 2, message: ['<tmp>/a.csv: line 2, column 1', 'values must be finite numbers'] },
  { name: 'w2 empty file', files: clouds(''), argv: W2, code: 2, message: ['<tmp>/a.csv: line 1, column 1', 'the file is empty'] },
  { name: 'w2 header only', files: clouds('x,y\n'), argv: W2, code: 2, message: ['<tmp>/a.csv: line 2', 'no data rows after the header'] },
  { name: 'w2 clouds of different dimensions', files: clouds(undefined, '0,1,2\n'), argv: W2, code: 2, message: ['<tmp>/b.csv: 3 columns per point, <tmp>/a.csv has 2', 'same dimension'] },
  { name: 'w2 unknown method', files: clouds(), argv: [...W2, '--method', 'emd'], code: 2, message: ['--method: got "emd"', 'exact, sinkhorn, sliced'], process: true },
  { name: 'w2 method in the wrong case', files: clouds(), argv: [...W2, '--method', 'Exact'], code: 2, message: ['--method: got "Exact"', 'exact, sinkhorn, sliced'] },
  { name: 'w2 --epsilon 0', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--epsilon', '0'], code: 2, message: ['--epsilon: got "0"', 'a finite number > 0'] },
  { name: 'w2 --epsilon=-1', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--epsilon=-1'], code: 2, message: ['--epsilon: got "-1"', 'a finite number > 0'] },
  { name: 'w2 --epsilon -1 (read as a flag)', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--epsilon', '-1'], code: 2, message: ['--epsilon', '--epsilon=-'] },
  { name: 'w2 --epsilon abc', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--epsilon', 'abc'], code: 2, message: ['--epsilon: got "abc"', 'a finite number > 0'] },
  { name: 'w2 --epsilon 1e999', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--epsilon', '1e999'], code: 2, message: ['--epsilon: got "1e999"', 'a finite number > 0'] },
  { name: 'w2 --epsilon with the exact method', files: clouds(), argv: [...W2, '--epsilon', '0.1'], code: 2, message: ['--epsilon: only for --method sinkhorn'] },
  { name: 'w2 --tolerance=-1', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--tolerance=-1'], code: 2, message: ['--tolerance: got "-1"', 'a number >= 0'] },
  { name: 'w2 --max-iterations 0', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--max-iterations', '0'], code: 2, message: ['--max-iterations: got "0"', 'a whole number in [1, inf]'] },
  { name: 'w2 --plan-entries=-1', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--plan-entries=-1'], code: 2, message: ['--plan-entries: got "-1"', 'a whole number in [0, inf]'] },
  { name: 'w2 --directions 0', files: clouds(), argv: [...W2, '--method', 'sliced', '--directions', '0'], code: 2, message: ['--directions: got "0"', 'a whole number in [1, inf]'] },
  { name: 'w2 --seed 2^32', files: clouds(), argv: [...W2, '--method', 'sliced', '--seed', '4294967296'], code: 2, message: ['--seed: got "4294967296"', 'a whole number in [0, 4294967295]'] },
  { name: 'w2 --directions with sinkhorn', files: clouds(), argv: [...W2, '--method', 'sinkhorn', '--directions', '4'], code: 2, message: ['--directions: only for --method sliced'] },
  { name: 'w2 --params given', files: clouds(), argv: [...W2, '--params', '<tmp>/p.json'], code: 2, message: ['--params: only for the network analysis'] },
  { name: 'w2 exact over the size limit', files: clouds('0\n'.repeat(2047), '1\n'.repeat(2048)), argv: W2, code: 2, message: ['--method exact: 2047 and 2048 points', 'lcm(n, p) = 4192256', '--method sinkhorn'] },
  { name: 'w2 --out a plain file', files: { ...clouds(), out: 'notes' }, argv: W2, code: 2, message: ['--out', '<tmp>/out', PLAIN_FILE] },

  // Output paths.
  { name: 'run --out a plain file', files: { ...config(), out: 'notes' }, argv: RUN, code: 2, message: ['--out', '<tmp>/out', PLAIN_FILE], process: true },
  { name: 'run --out under a plain file', files: { ...config(), 'notes.txt': 'notes' }, argv: ['run', '<tmp>/config.json', '--out', '<tmp>/notes.txt/out'], code: 2, message: ['--out', '<tmp>/notes.txt/out'] },
  { name: 'run --out empty', files: config(), argv: ['run', '<tmp>/config.json', '--out', ''], code: 2, message: ['--out', 'is empty'] },
  { name: 'run --out a folder with earlier results', files: { ...config(), 'out/result.json': '{"old": true}' }, argv: RUN, code: 2, message: ['--out', '<tmp>/out', 'result.json', '--force'] },
  { name: 'run --out a folder of notes', files: { ...config(), 'out/notes.txt': 'keep me' }, argv: RUN, code: 2, message: ['--out', '<tmp>/out', 'notes.txt'] },
  { name: 'sweep --out a plain file', files: { ...sweep({ grid: { 'model.width': [4] } }), out: 'notes' }, argv: SWEEP, code: 2, message: ['--out', '<tmp>/out', PLAIN_FILE] },
  { name: 'sweep --out under a plain file', files: { ...sweep({ grid: { 'model.width': [4] } }), 'notes.txt': 'notes' }, argv: ['sweep', '<tmp>/sweep.json', '--out', '<tmp>/notes.txt/out'], code: 2, message: ['--out', '<tmp>/notes.txt/out'] },
  { name: 'sweep --out empty', files: sweep({ grid: { 'model.width': [4] } }), argv: ['sweep', '<tmp>/sweep.json', '--out', ''], code: 2, message: ['--out', 'is empty'] },
  { name: 'merge --out a plain file', files: { 'shards/shard-0-of-1.json': shardTable(), out: 'notes' }, argv: MERGE, code: 2, message: ['--out', '<tmp>/out', PLAIN_FILE] },
  { name: 'merge --out empty', files: { 'shards/shard-0-of-1.json': shardTable() }, argv: ['merge', '<tmp>/shards', '--out', ''], code: 2, message: ['--out', 'merge takes shard folders'] },
];
