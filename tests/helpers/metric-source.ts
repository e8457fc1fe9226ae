/**
 * A two-layer metric source for evaluator tests: the settings, train set and computations a test gives;
 * every computation it does not give rejects, so a test also shows what a metric does not need.
 */
import type { TwoLayerTrainerConfig } from '../../src/core/network';
import type { TwoLayerMetricSource } from '../../src/models/two-layer/metric-source';

const SETTINGS: TwoLayerTrainerConfig = {
  width: 1, inputDim: 1, sampleCount: 1, scaling: 'standard', loss: 'square', hasBias: false, trainable: 'both', learningRate: 0.1, seed: 1,
};

type Computations = Omit<TwoLayerMetricSource, 'settings' | 'train' | 'learningRate'>;

const COMPUTATIONS: readonly (keyof Computations)[] = [
  'trainFit', 'testFit', 'gradients', 'weights', 'particles', 'w2ToTarget', 'sharpness', 'batchSharpness', 'hessianTrace', 'gram', 'initialGram', 'residuals',
];

export function metricSourceOf(
  given: Partial<Computations> & { readonly settings?: Partial<TwoLayerTrainerConfig>; readonly train: TwoLayerMetricSource['train']; readonly learningRate?: number },
): TwoLayerMetricSource {
  const refusals = Object.fromEntries(COMPUTATIONS.map((name) => [name, () => {
    throw new Error(`${name} is not needed`);
  }]));
  return { ...refusals, ...given, settings: { ...SETTINGS, ...given.settings }, learningRate: given.learningRate ?? SETTINGS.learningRate } as TwoLayerMetricSource;
}
