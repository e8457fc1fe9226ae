/**
 * Fingerprints of the engine's behaviour, for restructurings that must change nothing: every
 * experiment that each preset's reduced check runs, plus full-batch GD in each of the three scalings,
 * hashed bit for bit (SHA-256 of the per-step losses as float64 bytes, and of the logged metric rows).
 * Run it before and after a change on the same machine and backend and diff the output:
 *
 *   npx tsx bench/loss-hashes.ts [--backend gpu|float64] > hashes.txt
 *
 * Baselines (SwiftShader, 2 cores): docs/bench-results/loss-hashes-swiftshader.txt (gpu) and
 * docs/bench-results/loss-hashes-float64.txt (float64).
 *
 * One line per experiment: `<preset>#<k> <config name> losses=<hash> metrics=<hash>` (k counts the
 * check's runs in order). Wall-clock fields are left out of what is hashed, so equal lines mean equal numbers.
 * --backend applies to runs made from a preset's own config; checks that build other configs (width-transition,
 * double-descent-heatmap) keep theirs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/schema';
import { runExperiment, type ExperimentResult } from '../src/run/run-experiment';
import { checkContext } from '../src/experiments/preset';
import { PRESETS } from '../src/experiments/presets';

const SCALINGS = ['mean-field', 'ntk', 'standard'] as const;

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

function fingerprint(result: ExperimentResult): string {
  const losses = new Uint8Array(Float64Array.from(result.stepLosses).buffer);
  return `losses=${sha256(losses)} metrics=${sha256(JSON.stringify(result.metrics))}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backend: { type: 'string', default: 'gpu' } } });
  const backend = values.backend;
  if (backend !== 'gpu' && backend !== 'float64') throw new Error(`--backend must be gpu or float64, got ${backend}`);
  const readText = (path: string) => readFile(path, 'utf8');
  for (const preset of PRESETS) {
    if (!preset.check) continue;
    let k = 0;
    const base = { ...preset.config, backend } as typeof preset.config;
    const context = checkContext({ ...preset, config: base }, 'reduced', { readText }, (result) => {
      console.log(`${preset.name}#${k++} ${result.config.name} ${fingerprint(result)}`);
    });
    await preset.check(context);
  }
  for (const scaling of SCALINGS) {
    const config = parseConfig({ name: `gd-${scaling}`, backend, steps: 50, model: { width: 64, scaling }, optimizer: { rule: 'gd', learningRate: 0.5 } });
    console.log(`gd#${scaling} ${config.name} ${fingerprint(await runExperiment(config, { readText }))}`);
  }
}

await main();
