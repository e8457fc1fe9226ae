/**
 * npm run bench:presets [-- PRESET ...] [--rounds N] [--round-ms MS]: training steps per second of every
 * two-layer preset (or the ones named) on the GPU in Node, kernels.step 'unfused' against 'auto', and what 'auto'
 * picked. Steps only, no metrics; a run set is timed as the set the CLI runs (one step = every member one
 * step). Contenders alternate in rounds (unfused, auto, unfused, auto, ...), warm-up excluded, median over the
 * rounds. Prints the markdown table (README, "Presets and their checks"); writes bench/results/presets.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { requestGpu } from '../src/gpu/device';
import { findPreset, PRESETS } from '../src/experiments/presets';
import { readText } from '../src/cli/inputs';
import { presetTargets } from './preset-targets';
import { benchPreset } from './preset-step';
import { formatPresetFootnotes, formatPresetTable, formatRate, type PresetBenchRow } from './preset-rows';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string' }, 'round-ms': { type: 'string' } } });
function positiveInteger(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} needs a positive integer, got '${text}'`);
  return value;
}
const rounds = positiveInteger('rounds', values.rounds, 7);
const roundMs = positiveInteger('round-ms', values['round-ms'], 250);
for (const name of positionals) {
  if (!findPreset(name)) throw new Error(`bench:presets: no preset '${name}'; the presets are ${PRESETS.map((p) => p.name).join(', ')}`);
}
const all = presetTargets(PRESETS);
const targets = positionals.length > 0 ? all.filter((target) => positionals.includes(target.name)) : all;
const skippedNames = positionals.filter((name) => !targets.some((target) => target.name === name));
if (skippedNames.length > 0) throw new Error(`bench:presets: ${skippedNames.join(', ')} ${skippedNames.length > 1 ? 'are not' : 'is not a'} two-layer preset(s); the two-layer ones are ${all.map((t) => t.name).join(', ')}`);

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string) => console.log(line);
const gpu = await requestGpu();
log(`preset bench — Node ${process.version}, ${gpu.runtime}: ${gpu.adapterDescription}; ${targets.length} two-layer presets, ${rounds} interleaved rounds of ~${roundMs} ms per contender, median`);
const rows: PresetBenchRow[] = [];
for (const target of targets) {
  const row = await benchPreset(gpu, target, readText, { rounds, roundMs });
  rows.push(row);
  log(`  ${row.preset}: unfused ${formatRate(row.unfused.stepsPerSecond)}, auto (${row.autoPick}) ${formatRate(row.auto.stepsPerSecond)} steps/s, ${row.speedUp.toFixed(2)}x [${elapsed()}]`);
}
log('');
log(formatPresetTable(rows).join('\n'));
const footnotes = formatPresetFootnotes(rows);
if (footnotes.length > 0) log(`\n${footnotes.join('\n')}`);
log(
  `\nsteps/s: median of ${rounds} interleaved rounds per contender (a run set's step advances every member); speed-up: median over rounds of auto / unfused` +
    ` in the same round ('same step': 'auto' runs the unfused step too, so the ratio is the machine's noise). total ${elapsed()}`,
);

mkdirSync('bench/results', { recursive: true });
const result = {
  date: new Date().toISOString(), node: process.version, runtime: gpu.runtime, adapter: gpu.adapterDescription, rounds, roundMs,
  rows, seconds: (performance.now() - started) / 1000,
};
writeFileSync('bench/results/presets.json', `${JSON.stringify(result, null, 2)}\n`);
log(`wrote bench/results/presets.json (${elapsed()})`);
process.exit(0);
