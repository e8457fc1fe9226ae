/**
 * A preset: a named, documented experiment plus a `check` that states the literature's claim as
 * numbers and says pass or fail with the measured values (issue 4). A check runs whatever
 * experiments it needs through the context, at the reduced size CI uses or at full size. A preset
 * that compares configurations declares them as a run set (issue 13): its config carries a `sweep`
 * block (src/config/run-set.ts), and its check trains the members together with `runSet` and reads
 * each member's metrics; each member is bitwise the run it would be alone.
 */
import { expandSweep, type RunSetMember } from '../config/run-set';
import { applyOverrides, parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../config/schema';
import type { ExperimentResult, RunOptions } from '../run/run-experiment';
import { runRunSet } from '../run/run-experiment';

export type CheckSize = 'reduced' | 'full';

export interface CheckOutcome {
  readonly passed: boolean;
  /** The claim, in one sentence with its numbers. */
  readonly claim: string;
  /** What was measured, by name. */
  readonly measured: Record<string, number>;
}

/** One member of a run set a check ran: the swept values that make it (path -> value; {} for a base without a sweep) and its result. */
export interface MemberResult {
  readonly overrides: Record<string, unknown>;
  readonly result: ExperimentResult;
}

export interface CheckContext {
  readonly size: CheckSize;
  /** Runs one experiment: the preset's config (or a variant of it) with `--set`-style overrides. The config must not carry a sweep block. */
  run(overrides?: readonly string[], base?: ExperimentConfigInput): Promise<ExperimentResult>;
  /**
   * Runs a run set: the size's overrides, then `overrides`, applied to the base (default: the preset's config), whose
   * `sweep` block expands to the members (expandSweep; without one the base is a member of its own). Several bases
   * (members that no one cartesian grid describes, e.g. a learning rate tied to the width) are applied and expanded
   * alike, their members concatenated in order, and all trained as one set. One entry per member, in order.
   */
  runSet(overrides?: readonly string[], base?: ExperimentConfigInput | readonly ExperimentConfigInput[]): Promise<MemberResult[]>;
}

export interface Preset {
  readonly name: string;
  /** One line for `gradflow list` and the picker. */
  readonly summary: string;
  /** What to look at and where it comes from (seed / paper), one paragraph for users. */
  readonly explanation: string;
  /** The full-size experiment; a `sweep` block makes it a run set (the members the check compares). */
  readonly config: ExperimentConfigInput;
  /** Overrides (`path=value`) that shrink the experiments for CI while keeping the claim visible (a grid: `sweep={...}` whole). */
  readonly reduced?: readonly string[];
  /** Metric names the app should chart. */
  readonly plots: readonly string[];
  readonly check?: (context: CheckContext) => Promise<CheckOutcome>;
}

/** Trains configs together, one result each in order (default: runRunSet; tests may record instead). */
export type RunSetRunner = (configs: readonly ExperimentConfig[], options: RunOptions) => Promise<ExperimentResult[]>;

/** The overrides a check's run gets at this size: the preset's reduced ones first (reduced size only), then the check's own. */
export function sizedOverrides(preset: Preset, size: CheckSize, overrides: readonly string[] = []): string[] {
  return size === 'reduced' ? [...(preset.reduced ?? []), ...overrides] : [...overrides];
}

/** The members a `runSet(overrides, base)` call trains, in order: each base sized, then expanded by its sweep block. */
export function runSetMembers(preset: Preset, size: CheckSize, overrides: readonly string[] = [], base: ExperimentConfigInput | readonly ExperimentConfigInput[] = preset.config): RunSetMember[] {
  const bases: readonly ExperimentConfigInput[] = Array.isArray(base) ? base : [base as ExperimentConfigInput];
  if (bases.length === 0) throw new RangeError(`preset ${preset.name}: a run set needs at least one base config`);
  return bases.flatMap((one) => expandSweep(applyOverrides(one as Record<string, unknown>, sizedOverrides(preset, size, overrides)), `preset ${preset.name}`));
}

/**
 * The context a check runs in: each run applies the size's overrides, then the check's own. onResult sees every
 * result (each member of a run set, in order); onRunSet the members of the first run set (the preset's runs).
 */
export function checkContext(
  preset: Preset,
  size: CheckSize,
  options: RunOptions = {},
  onResult?: (result: ExperimentResult) => void,
  onRunSet?: (members: readonly MemberResult[]) => void,
  runner: RunSetRunner = runRunSet,
): CheckContext {
  let firstSet = true;
  return {
    size,
    async run(overrides = [], base = preset.config) {
      const config: ExperimentConfig = parseConfig(applyOverrides(base as Record<string, unknown>, sizedOverrides(preset, size, overrides)), `preset ${preset.name}`);
      if (config.sweep !== undefined) throw new Error(`preset ${preset.name}: this config has a sweep block (a run set); run its members with runSet`);
      const [result] = await runner([config], options);
      onResult?.(result!);
      return result!;
    },
    async runSet(overrides = [], base = preset.config) {
      const members = runSetMembers(preset, size, overrides, base);
      const results = await runner(
        members.map((member) => member.config),
        options,
      );
      const out = members.map((member, k) => ({ overrides: member.overrides, result: results[k]! }));
      for (const member of out) onResult?.(member.result);
      if (firstSet) onRunSet?.(out);
      firstSet = false;
      return out;
    },
  };
}

/** Formats an outcome as one line: PASS/FAIL, the claim and the measured values. */
export function formatOutcome(name: string, outcome: CheckOutcome): string {
  const values = Object.entries(outcome.measured).map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toPrecision(4)}`).join(' ');
  return `${outcome.passed ? 'PASS' : 'FAIL'}  ${name}: ${outcome.claim}  [${values}]`;
}
