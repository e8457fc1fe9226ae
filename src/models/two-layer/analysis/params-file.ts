/**
 * The parameters `gradflow analyze --params FILE` reads: an init file {"a", "W", "b"?} (model.init.path's
 * format) or a result.json written with --save-params, whose `final` is one. Every digit is kept (float64).
 */
import { ConfigError } from '../../../config/errors';
import type { NetworkParameters, TwoLayerTrainerConfig } from '../../../core/network';
import { parseJson, weightsFromJson } from '../init-file';

/** The parameters in `text`, checked against the config's width, input dimension and bias. */
export function parseParamsFile(text: string, trainer: Pick<TwoLayerTrainerConfig, 'width' | 'inputDim' | 'hasBias'>, path: string): NetworkParameters<Float64Array> {
  const json = parseJson(text.replace(/^\uFEFF/, ''), path);
  const record = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  // A result.json: its config and summary say so; its parameters are `final`, present only with --save-params.
  if (record && 'summary' in record && 'config' in record) {
    if (record.final === undefined) throw new ConfigError([`--params ${path}: a result.json without "final" parameters; run with --save-params, or give an init file {"a": [...], "W": [[...], ...]}`]);
    return weightsFromJson(record.final, trainer.width, trainer.inputDim, trainer.hasBias, `${path} (final)`);
  }
  return weightsFromJson(json, trainer.width, trainer.inputDim, trainer.hasBias, path);
}
