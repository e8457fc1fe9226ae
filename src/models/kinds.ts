/** Every model kind by its config name (config.model.kind): the run loop looks the kind up here. */
import type { ExperimentConfig } from '../config/schema';
import { landscapeKind } from './landscape/kind';
import { linearKind } from './linear/kind';
import type { ModelKind } from './model-kind';
import { twoLayerKind } from './two-layer/kind';

export const MODEL_KINDS: { readonly [Name in ExperimentConfig['model']['kind']]: ModelKind } = {
  'two-layer': twoLayerKind,
  linear: linearKind,
  landscape: landscapeKind,
};
