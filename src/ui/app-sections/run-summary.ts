/**
 * The header's one line on what is being trained. The preset's summary says it while the run trains what the
 * preset trains; once that changed (another width, learning rate or batch size, a CSV uploaded or points drawn,
 * another data kind) the summary ("2048 particles ... learning a 3-neuron teacher") would be false, so the line is
 * written from the config itself (the network, and the data by name with its size as the run loaded it) and names
 * the preset's fields that changed.
 */
import { fileNameOf } from '../../app/browser-files';
import type { TrainingSession } from '../../app/training-session';
import { parseConfig, type ExperimentConfig } from '../../config/schema';
import type { Preset } from '../../experiments/preset';

/** The config's parts that say what is trained; the others (steps, seed, metrics, backend, ...) leave the summary true. */
const TRAINED = ['loss', 'model', 'data', 'online', 'optimizer', 'sweep'] as const;

/** The changed fields named in the line; more are counted. */
const MAX_NAMED_CHANGES = 3;

/** The preset's config as parsed (defaults filled in), once per preset: compared with the run's. */
const presetConfigs = new WeakMap<Preset, ExperimentConfig | null>();

function presetConfigOf(preset: Preset): ExperimentConfig | undefined {
  if (!presetConfigs.has(preset)) {
    try {
      presetConfigs.set(preset, parseConfig(preset.config));
    } catch {
      presetConfigs.set(preset, null);
    }
  }
  return presetConfigs.get(preset) ?? undefined;
}

/** What the run trains: the preset's summary while it trains what the preset trains, else the network, the data and what changed. */
export function runSummary(preset: Preset | undefined, config: ExperimentConfig | undefined, session: TrainingSession | undefined): string {
  if (!config) return preset?.summary ?? '';
  const presetConfig = preset && presetConfigOf(preset);
  const changes = presetConfig ? TRAINED.flatMap((part) => changedPaths(presetConfig[part], config[part], part)) : [];
  if (preset && presetConfig && changes.length === 0) return preset.summary;
  // A landscape's particles read no data.
  const described = config.model.kind === 'landscape' ? networkOf(config) : `${networkOf(config)} trained on ${dataOf(config, session)}`;
  return preset && presetConfig ? `${described}: the ${preset.name} preset with ${changeList(changes)} changed.` : `${described}.`;
}

/** The fields where `changed` differs from `base`, leaf by leaf ("model.width"); a section whose kind changed is one change ("data"). */
export function changedPaths(base: unknown, changed: unknown, path: string): string[] {
  if (JSON.stringify(base) === JSON.stringify(changed)) return [];
  if (!isRecord(base) || !isRecord(changed) || base.kind !== changed.kind) return [path];
  // Another seed draws another instance of the same problem (data.seed follows the config's seed): the line stays true.
  const keys = [...new Set([...Object.keys(base), ...Object.keys(changed)])].filter((key) => key !== 'seed');
  return keys.flatMap((key) => changedPaths(base[key], changed[key], `${path}.${key}`));
}

function changeList(paths: readonly string[]): string {
  const named = paths.slice(0, MAX_NAMED_CHANGES).join(', ');
  const more = paths.length - MAX_NAMED_CHANGES;
  return more > 0 ? `${named} and ${more} more field${more > 1 ? 's' : ''}` : named;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function networkOf(config: ExperimentConfig): string {
  const model = config.model;
  if (model.kind === 'two-layer') return `A ${model.scaling} two-layer network of ${model.width.toLocaleString('en')} neurons`;
  return `A ${model.kind} model`;
}

/**
 * "drawn.csv (3 rows, 2 inputs)", "train.csv (80 rows, 2 inputs), tested on test.csv (20 rows)": the files' names
 * (without the upload: prefix) and, once loaded, their sizes.
 */
function dataOf(config: ExperimentConfig, session: TrainingSession | undefined): string {
  const data = config.data;
  // The run's own problem, when it is the run of this data (the session may still be the previous run's).
  const problem = session && JSON.stringify(session.config.data) === JSON.stringify(data) ? session.live?.problem : undefined;
  const train = problem?.train;
  const rows = train?.y.length;
  const size = train && rows ? ` (${rows.toLocaleString('en')} rows, ${train.X.length / rows} inputs)` : '';
  const name = (path: string) => fileNameOf(path).split('/').at(-1);
  if (data.kind === 'csv') {
    const testRows = problem?.test?.y.length;
    const tested = data.testPath === undefined ? '' : `, tested on ${name(data.testPath)}${testRows ? ` (${testRows.toLocaleString('en')} rows)` : ''}`;
    return `${name(data.path)}${size}${tested}`;
  }
  return `${data.kind} data${size.replace('rows', 'samples')}`;
}
