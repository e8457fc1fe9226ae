/**
 * A preset: a named, documented experiment plus a `check` that states the literature's claim as
 * numbers and says pass or fail with the measured values (issue 4). A check runs whatever
 * experiments it needs through the context, at the reduced size CI uses or at full size.
 */
import { applyOverrides, parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../config/schema';
import type { ExperimentResult, RunOptions } from '../run/run-experiment';
import { runExperiment } from '../run/run-experiment';

export type CheckSize = 'reduced' | 'full';

export interface CheckOutcome {
  readonly passed: boolean;
  /** The claim, in one sentence with its numbers. */
  readonly claim: string;
  /** What was measured, by name. */
  readonly measured: Record<string, number>;
}

export interface CheckContext {
  readonly size: CheckSize;
  /** Runs one experiment: the preset's config (or a variant of it) with `--set`-style overrides. */
  run(overrides?: readonly string[], base?: ExperimentConfigInput): Promise<ExperimentResult>;
}

export interface Preset {
  readonly name: string;
  /** One line for `gradflow list` and the picker. */
  readonly summary: string;
  /** What to look at and where it comes from (seed / paper), one paragraph for users. */
  readonly explanation: string;
  /** The full-size experiment. */
  readonly config: ExperimentConfigInput;
  /** Overrides (`path=value`) that shrink the experiments for CI while keeping the claim visible. */
  readonly reduced?: readonly string[];
  /** Metric names the app should chart. */
  readonly plots: readonly string[];
  readonly check?: (context: CheckContext) => Promise<CheckOutcome>;
}

/** The context a check runs in: each run applies the size's overrides, then the check's own. */
export function checkContext(preset: Preset, size: CheckSize, options: RunOptions = {}, onResult?: (result: ExperimentResult) => void): CheckContext {
  return {
    size,
    async run(overrides = [], base = preset.config) {
      const sized = size === 'reduced' ? [...(preset.reduced ?? []), ...overrides] : overrides;
      const config: ExperimentConfig = parseConfig(applyOverrides(base as Record<string, unknown>, sized), `preset ${preset.name}`);
      const result = await runExperiment(config, options);
      onResult?.(result);
      return result;
    },
  };
}

/** Formats an outcome as one line: PASS/FAIL, the claim and the measured values. */
export function formatOutcome(name: string, outcome: CheckOutcome): string {
  const values = Object.entries(outcome.measured).map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toPrecision(4)}`).join(' ');
  return `${outcome.passed ? 'PASS' : 'FAIL'}  ${name}: ${outcome.claim}  [${values}]`;
}
