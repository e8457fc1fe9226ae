/**
 * step-losses.csv: the loss before every step taken, one line a step: result.json's stepLosses as a table
 * (what the app's loss chart draws), written by the CLI beside metrics.csv and downloaded from the app.
 * metrics.csv keeps one line per logged step; the per-step losses get their own file rather than a column
 * that would be blank on most of metrics.csv's lines, or lines that metrics.csv's readers would take for
 * logged steps. A run set's: every member's, with the member index and its swept values.
 */

/** Numbers as JavaScript prints them (shortest round trip; NaN and Infinity as words, as result.json has them). */
const cell = (value: unknown): string => {
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function stepLossesCsv(stepLosses: readonly number[]): string {
  return `step,loss\n${stepLosses.map((loss, step) => `${step},${cell(loss)}\n`).join('')}`;
}

/** One member of a run set as step-losses.csv needs it: its index, its swept values and its losses. */
export interface StepLossesMember {
  readonly index: number;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly stepLosses: readonly number[];
}

export function runSetStepLossesCsv(members: readonly StepLossesMember[]): string {
  const paths = [...new Set(members.flatMap((member) => Object.keys(member.overrides)))];
  const lines = [['step', 'member', ...paths, 'loss'].join(',')];
  for (const member of members) {
    const swept = paths.map((path) => (member.overrides[path] === undefined ? '' : cell(member.overrides[path])));
    member.stepLosses.forEach((loss, step) => lines.push([step, member.index, ...swept, cell(loss)].join(',')));
  }
  return `${lines.join('\n')}\n`;
}
