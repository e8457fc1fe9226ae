/** A configuration that does not validate: every problem names the field, the bad value and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly problems: readonly string[],
    source = 'config',
  ) {
    super(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A bad value as a message shows it: JSON, except that Infinity and NaN (1e999 parses to Infinity) are named, not null. */
export function shownValue(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
}
