/**
 * A preset's check at the reduced size, as the node tests run it. For a preset whose config is a run set (a sweep
 * block), the check's first run set (onRunSet, what the CLI writes) must be the config's members at that size.
 */
import { expect } from 'vitest';
import { expandSweep } from '../../src/config/run-set';
import { applyOverrides } from '../../src/config/schema';
import { checkContext, type CheckOutcome, type MemberResult, type Preset } from '../../src/experiments/preset';
import type { RunOptions } from '../../src/run/run-experiment';

export async function reducedCheck(preset: Preset, options: RunOptions): Promise<CheckOutcome> {
  let firstSet: readonly MemberResult[] | undefined;
  const outcome = await preset.check!(checkContext(preset, 'reduced', options, undefined, (members) => (firstSet ??= members)));
  const raw = applyOverrides(preset.config as Record<string, unknown>, [...(preset.reduced ?? [])]);
  if (raw.sweep !== undefined) {
    const members = expandSweep(raw, preset.name);
    expect(firstSet?.map((member) => member.overrides)).toEqual(members.map((member) => member.overrides));
    expect(firstSet?.map((member) => member.result.config)).toEqual(members.map((member) => member.config));
  }
  return outcome;
}
