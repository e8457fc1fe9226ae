/**
 * The header's one line on what is being trained. The preset's summary says it while the run trains on the
 * preset's data; once the data changed (a CSV uploaded or points drawn, another data kind chosen) that summary
 * ("learning a 3-neuron teacher") would be false, so the line is written from the run itself: the network,
 * and the data by name with its size as the run loaded it.
 */
import type { TrainingSession } from '../../app/training-session';
import { parseConfig, type ExperimentConfig } from '../../config/schema';
import type { Preset } from '../../experiments/preset';

/** The preset's data section as parsed (defaults filled in), once per preset: compared with the run's. */
const presetData = new WeakMap<Preset, string>();

function presetDataOf(preset: Preset): string {
  let data = presetData.get(preset);
  if (data === undefined) {
    try {
      data = JSON.stringify(parseConfig(preset.config).data);
    } catch {
      data = '';
    }
    presetData.set(preset, data);
  }
  return data;
}

/** What the run trains: the preset's summary while its data are the preset's, else the network and the data it trains on. */
export function runSummary(preset: Preset | undefined, config: ExperimentConfig | undefined, session: TrainingSession | undefined): string {
  if (!config) return preset?.summary ?? '';
  if (preset && JSON.stringify(config.data) === presetDataOf(preset)) return preset.summary;
  return `${networkOf(config)} trained on ${dataOf(config, session)}.`;
}

function networkOf(config: ExperimentConfig): string {
  const model = config.model;
  if (model.kind === 'two-layer') return `A ${model.scaling} two-layer network of ${model.width.toLocaleString('en')} neurons`;
  return `A ${model.kind} model`;
}

/** "drawn.csv (3 rows, 2 inputs)": the file's name (without the upload: prefix) and, once loaded, its size. */
function dataOf(config: ExperimentConfig, session: TrainingSession | undefined): string {
  const data = config.data;
  // The run's own problem, when it is the run of this data (the session may still be the previous run's).
  const train = session && JSON.stringify(session.config.data) === JSON.stringify(data) ? session.live?.problem.train : undefined;
  const rows = train?.y.length;
  const size = train && rows ? ` (${rows.toLocaleString('en')} rows, ${train.X.length / rows} inputs)` : '';
  if (data.kind === 'csv') return `${data.path.replace(/^upload:/, '').split('/').at(-1)}${size}`;
  return `${data.kind} data${size.replace('rows', 'samples')}`;
}
