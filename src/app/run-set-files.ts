/**
 * A run set's files as the app downloads them. result.json: the config with its sweep block, the set's
 * summary and `members`, each member's result in the CLI's result.json form (its config, metrics, stepLosses,
 * summary, metricUnits where it logs curvature) with its index, label and swept values. metrics.csv: every
 * member's rows, with the member index and its swept values in columns after the step. A single run's files
 * are the CLI's own (src/run/result-format.ts).
 */
import { resultJson } from '../run/result-format';
import type { RunSetSnapshot, SessionMember } from './training-session';

/** JSON numbers cannot be NaN or Infinity: written as strings, as result-format does. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

export function runSetResultJson(snapshot: RunSetSnapshot): string {
  const members = snapshot.members.map(({ index, label, overrides, ...result }) => ({ index, label, overrides, ...(JSON.parse(resultJson(result)) as object) }));
  return `${JSON.stringify({ config: snapshot.config, summary: snapshot.summary, members }, jsonValue, 2)}\n`;
}

/** One CSV of every member's rows: step, member, the swept paths, then every metric (blank where absent). */
export function runSetMetricsCsv(members: readonly Pick<SessionMember, 'index' | 'overrides' | 'rows'>[]): string {
  const paths = [...new Set(members.flatMap((member) => Object.keys(member.overrides)))];
  const names = [...new Set(members.flatMap((member) => member.rows.flatMap((row) => Object.keys(row))))].filter((name) => name !== 'step');
  const cell = (value: unknown) => {
    const text = value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [['step', 'member', ...paths, ...names].join(',')];
  for (const member of members) {
    for (const row of member.rows) lines.push([row.step, member.index, ...paths.map((path) => cell(member.overrides[path])), ...names.map((name) => cell(row[name]))].join(','));
  }
  return `${lines.join('\n')}\n`;
}
