/**
 * `gradflow analyze <preset | config.json> --params FILE [--member k] [--out DIR] [--force] [--set path=value ...] [--backend float64|gpu] [--dense-limit P] [--top K] [--quiet]`
 * `gradflow analyze w2 A.csv B.csv [--method exact|sinkhorn|sliced] [--epsilon E] [--tolerance T] [--max-iterations N] [--plan-entries K] [--directions L] [--seed S] [--backend float64|gpu] [--out DIR] [--force] [--quiet]`
 *
 * The network analysis (src/run/analyze/network.ts) or optimal transport between two point clouds
 * (src/run/analyze/transport.ts). With --out, analysis.json and the CSV files go into a claimed folder
 * (src/cli/out-folder.ts: new or empty, --force replaces it, written whole or not at all) and a short summary
 * to stdout; without it, analysis.json's content goes to stdout (the matrices need --out). Progress goes to
 * stderr. Every bad argument is an input error (exit code 2) naming the flag, the value and what is allowed.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors';
import { expandSweep } from '../config/run-set';
import { applyOverrides, parseConfig, type ExperimentConfig } from '../config/schema';
import { parsePointCloudCsv } from '../data/point-cloud-csv';
import { TRANSPORT_METHODS, type TransportMethod } from '../metrics/transport-analysis';
import { ANALYSIS_BACKENDS } from '../run/analyze/backend';
import { analyzeNetwork, DEFAULT_DENSE_HESSIAN_LIMIT } from '../run/analyze/network';
import { reportJson, type AnalysisReport } from '../run/analyze/report';
import { analyzeW2, type W2Request } from '../run/analyze/transport';
import { writeFileAtomically } from './atomic-file';
import { loadRawConfig, readText, UsageError } from './inputs';
import { claimOutFolder } from './out-folder';

/** Top Hessian eigenvalues found by Lanczos beyond the dense limit, by default. */
const DEFAULT_TOP_EIGENVALUES = 10;

const OPTIONS = {
  params: { type: 'string' },
  member: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  set: { type: 'string', multiple: true },
  backend: { type: 'string' },
  'dense-limit': { type: 'string' },
  top: { type: 'string' },
  method: { type: 'string' },
  epsilon: { type: 'string' },
  tolerance: { type: 'string' },
  'max-iterations': { type: 'string' },
  'plan-entries': { type: 'string' },
  directions: { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** The flags of each form; a flag of the other form is a usage error. */
const NETWORK_FLAGS = ['params', 'member', 'set', 'dense-limit', 'top'] as const;
const W2_FLAGS = ['method', 'epsilon', 'tolerance', 'max-iterations', 'plan-entries', 'directions', 'seed'] as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

export async function analyzeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS }) as { values: Values; positionals: string[] };
  const quiet = values.quiet === true;
  const progress = (message: string) => {
    if (!quiet) console.error(message);
  };
  const backend = choice('--backend', values.backend, ANALYSIS_BACKENDS, 'float64');
  if (positionals[0] === 'w2') {
    refuseFlags(values, NETWORK_FLAGS, 'the network analysis (gradflow analyze <config> --params FILE)');
    if (positionals.length !== 3) throw new UsageError(`analyze w2 takes two point-cloud CSV files, A.csv B.csv; got ${positionals.length - 1}`);
    const request = w2Request(values);
    const [a, b] = await Promise.all(positionals.slice(1).map(async (path) => ({ ...parsePointCloudCsv(await readText(path), path), path })));
    return output(values, () => {
      progress(`w2: ${request.method} transport between ${a!.count} and ${b!.count} points in ${a!.dim} dimensions (${request.method === 'exact' ? 'float64' : backend})`);
      return analyzeW2(a!, b!, request, request.method === 'exact' ? 'float64' : backend);
    }, summarizeW2);
  }
  refuseFlags(values, W2_FLAGS, 'gradflow analyze w2');
  if (positionals.length !== 1) throw new UsageError('analyze takes one preset name or config file and --params FILE (or: analyze w2 A.csv B.csv)');
  if (values.params === undefined) throw new UsageError('analyze <config> needs --params FILE: an init file {"a": [...], "W": [[...], ...]} or a result.json written with --save-params');
  const denseLimit = integer('--dense-limit', values['dense-limit'], 0, DEFAULT_DENSE_HESSIAN_LIMIT);
  const topCount = integer('--top', values.top, 1, DEFAULT_TOP_EIGENVALUES);
  const loaded = await loadRawConfig(positionals[0]!);
  const config = chosenConfig(applyOverrides(loaded.raw, values.set ?? []), loaded.source, values.member);
  const paramsPath = values.params;
  return output(values, () => analyzeNetwork(config, { readText, source: loaded.source, paramsPath, backend, denseLimit, topCount, onProgress: progress }), summarizeNetwork);
}

/** The config, or member k (--member) of a config with a sweep block (a run set: `gradflow run` writes member-<k>/). */
function chosenConfig(raw: Record<string, unknown>, source: string, member: string | undefined): ExperimentConfig {
  if (raw.sweep === undefined) {
    if (member !== undefined) throw new UsageError(`--member ${member}: ${source} has no sweep block (it is one run, not a run set)`);
    return parseConfig(raw, source);
  }
  const members = expandSweep(raw, source);
  if (member === undefined) {
    throw new UsageError(`${source} is a run set of ${members.length} members (its sweep block): choose one with --member k, k in 0..${members.length - 1} (gradflow run's member-<k> folder)`);
  }
  return members[integer('--member', member, 0, undefined, members.length - 1)]!.config;
}

/** analysis.json and the CSV files into --out (a claimed folder), or analysis.json to stdout. */
async function output(values: Values, analyze: () => Promise<AnalysisReport>, summarize: (json: Record<string, unknown>) => string[]): Promise<number> {
  if (values.out === undefined) {
    if (values.force) throw new UsageError('--force goes with --out DIR');
    const report = await analyze();
    const files = [...report.files.keys()];
    const text = reportJson({ ...report, json: { ...report.json, files: [], ...(files.length > 0 ? { notWritten: `${files.join(', ')}: give --out DIR to write them` } : {}) } });
    // Awaited: the CLI exits right after main returns, and a pipe may still hold the end of a long JSON (macOS pipes are asynchronous).
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
    return 0;
  }
  const claim = await claimOutFolder(values.out, values.force ? 'force' : 'new');
  let committed = false;
  try {
    const report = await analyze();
    const names = ['analysis.json', ...report.files.keys()];
    for (const [name, text] of report.files) await writeFileAtomically(join(claim.staging, name), text);
    // analysis.json last: its presence marks a complete analysis.
    await writeFileAtomically(join(claim.staging, 'analysis.json'), reportJson({ ...report, json: { ...report.json, files: names } }));
    await claim.commit();
    committed = true;
    for (const line of summarize(report.json)) console.log(line);
    const folder = claim.out.replace(`${process.cwd()}/`, '');
    console.log(`wrote ${names.map((name) => join(folder, name)).join(', ')}`);
    return 0;
  } finally {
    if (!committed) await claim.abandon();
  }
}

/** A few numbers on the terminal; analysis.json keeps every digit. */
const shown = (value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(6)).toString() : String(value));

function summarizeNetwork(json: Record<string, unknown>): string[] {
  const fit = json.fit as Record<string, number>;
  const ntk = json.ntk as Record<string, unknown>;
  const hessian = json.hessian as Record<string, unknown>;
  return [
    `loss ${shown(fit.loss)}, |grad L| ${shown(fit.trainableGradientNorm)} (trainable parameters)`,
    `ntk (${ntk.backend}): trace ${shown(ntk.trace)}, lambda_max ${shown(ntk.lambdaMax)}, lambda_min ${shown(ntk.lambdaMin)}`,
    `hessian (${hessian.method}, ${hessian.backend}): trace ${shown(hessian.trace)}, sharpness ${shown(hessian.sharpness)}${hessian.converged ? '' : ' (Lanczos not converged: see residuals)'}`,
  ];
}

function summarizeW2(json: Record<string, unknown>): string[] {
  switch (json.method) {
    case 'exact':
      return [`W2^2 ${shown(json.w2Squared)} (exact)`];
    case 'sinkhorn':
      return [`transport cost ${shown(json.transportCost)}, entropic objective ${shown(json.entropicObjective)} at eps ${shown(json.epsilon)}; marginal error ${shown(json.marginalError)} after ${shown(json.iterations)} iterations${json.converged ? '' : ' (not converged: raise --max-iterations or --epsilon)'}`];
    default:
      return [`sliced W2^2 ${shown(json.slicedW2Squared)} over ${shown(json.directionCount)} directions`];
  }
}

function refuseFlags(values: Values, flags: readonly (keyof Values)[], owner: string): void {
  const given = flags.filter((flag) => values[flag] !== undefined);
  if (given.length > 0) throw new UsageError(`${given.map((flag) => `--${flag}`).join(', ')}: only for ${owner}`);
}

function w2Request(values: Values): W2Request {
  const method = choice('--method', values.method, TRANSPORT_METHODS, 'exact') as TransportMethod;
  const sinkhornFlags = ['epsilon', 'tolerance', 'max-iterations', 'plan-entries'] as const;
  const slicedFlags = ['directions', 'seed'] as const;
  if (method !== 'sinkhorn') refuseFlags(values, sinkhornFlags, '--method sinkhorn');
  if (method !== 'sliced') refuseFlags(values, slicedFlags, '--method sliced');
  switch (method) {
    case 'exact':
      return { method };
    case 'sinkhorn': {
      const epsilon = positive('--epsilon', values.epsilon);
      const tolerance = values.tolerance === undefined ? undefined : number('--tolerance', values.tolerance, (v) => v >= 0, 'a number >= 0');
      const maxIterations = values['max-iterations'] === undefined ? undefined : integer('--max-iterations', values['max-iterations'], 1);
      const topCount = values['plan-entries'] === undefined ? undefined : integer('--plan-entries', values['plan-entries'], 0);
      return { method, ...(epsilon !== undefined ? { epsilon } : {}), ...(tolerance !== undefined ? { tolerance } : {}), ...(maxIterations !== undefined ? { maxIterations } : {}), ...(topCount !== undefined ? { topCount } : {}) };
    }
    case 'sliced':
      return { method, directionCount: integer('--directions', values.directions, 1, 64), seed: integer('--seed', values.seed, 0, 0, 2 ** 32 - 1) };
  }
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError([`${flag}: got ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`]);
  return value as T;
}

/** A decimal number (no hex, no empty string) that passes `ok`. */
function number(flag: string, text: string, ok: (value: number) => boolean, allowed: string): number {
  const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(value) || !ok(value)) throw new ConfigError([`${flag}: got ${JSON.stringify(text)}; expected ${allowed}`]);
  return value;
}

function positive(flag: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : number(flag, text, (v) => v > 0, 'a finite number > 0');
}

function integer(flag: string, text: string | undefined, min: number, fallback?: number, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`${flag} needs a value`);
    return fallback;
  }
  return number(flag, text, (v) => Number.isInteger(v) && v >= min && v <= max, `a whole number in [${min}, ${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}]`);
}
