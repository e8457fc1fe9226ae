/** The metric registry: every declaration complete, every kind's evaluator table in step with it. */
import { describe, expect, it } from 'vitest';
import { METRICS, METRIC_COSTS, METRIC_NAMES, METRIC_REQUIREMENTS, MODEL_KIND_NAMES, metricDeclaration, metricNamesOf, unmetRequirementProblems, withDiagnostics, type ModelKindName } from '../../src/metrics/registry';
import { TWO_LAYER_EVALUATORS } from '../../src/models/two-layer/metric-evaluators';
import { LINEAR_EVALUATORS } from '../../src/models/linear/linear-metrics';
import { LANDSCAPE_EVALUATORS } from '../../src/models/landscape/population-metrics';

/** Each kind's evaluator table; a new kind without one is a type error here. */
const EVALUATORS: Readonly<Record<ModelKindName, object>> = {
  'two-layer': TWO_LAYER_EVALUATORS,
  linear: LINEAR_EVALUATORS,
  landscape: LANDSCAPE_EVALUATORS,
};

describe('metric registry', () => {
  it('declares every metric with a label, a description, a cost class and at least one known kind', () => {
    for (const name of METRIC_NAMES) {
      const declaration = METRICS[name];
      expect(declaration.label.length, name).toBeGreaterThan(0);
      // A sentence, not a restated name: the CLI's listing and the app show it as the metric's meaning.
      expect(declaration.description.length, name).toBeGreaterThan(30);
      expect(Object.keys(METRIC_COSTS), name).toContain(declaration.cost);
      expect(declaration.kinds.length, name).toBeGreaterThan(0);
      for (const kind of declaration.kinds) expect(MODEL_KIND_NAMES, name).toContain(kind);
    }
  });

  it('has an evaluator for every kind a metric names, and no evaluator for a metric the kind does not log', () => {
    for (const kind of MODEL_KIND_NAMES) {
      const table = EVALUATORS[kind];
      for (const name of METRIC_NAMES) {
        const logged = (METRICS[name].kinds as readonly string[]).includes(kind);
        expect(Object.hasOwn(table, name), `${kind}: ${name}`).toBe(logged);
      }
      expect(Object.keys(table).sort(), kind).toEqual([...metricNamesOf(kind)].sort());
    }
  });

  it('lists each kind\'s metrics in declaration order, as the config schema and the rows have always had them', () => {
    expect(metricNamesOf('two-layer')).toEqual([
      'loss', 'accuracy', 'testLoss', 'testAccuracy', 'gradNorm', 'energyResidual', 'w2ToTarget',
      'distanceFromInitMax', 'distanceFromInitRms', 'pathNorm', 'livingNeurons', 'directionClusters', 'activatedNeurons', 'maskChangeFraction', 'margin', 'activatedOnNegative',
      'sharpness', 'sharpnessParticleTime', 'sharpnessResidual', 'sharpnessConverged', 'sharpnessIterations', 'batchSharpness', 'batchSharpnessStandardError',
      'hessianTrace', 'hessianTraceParticleTime',
      'ntkLambdaMin', 'ntkLambdaMax', 'kernelChange', 'sgdAlignment', 'nonUniformity',
    ]);
    expect(metricNamesOf('linear')).toEqual(['loss', 'margin', 'logLoss', 'marginGap', 'weightNorm']);
    expect(metricNamesOf('landscape')).toEqual(['meanValue', 'meanSquaredNorm', 'escapedFraction', 'lyapunovEstimate', 'nearTargetFraction']);
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
  });

  it('brings a family\'s diagnostics along with any of its metrics, and drops names that are no metric', () => {
    expect(withDiagnostics(['loss', 'sharpnessParticleTime'])).toEqual(['loss', 'sharpnessParticleTime', 'sharpnessResidual', 'sharpnessConverged', 'sharpnessIterations']);
    expect(withDiagnostics(['sharpnessIterations'])).toEqual(['sharpnessIterations', 'sharpnessResidual', 'sharpnessConverged']);
    expect(withDiagnostics(['hessianTrace', 'notAMetric', 'hessianTrace'])).toEqual(['hessianTrace']);
    // The batch sharpness brings its standard error, not the Lanczos diagnostics (which would cost a Lanczos run).
    expect(withDiagnostics(['batchSharpness'])).toEqual(['batchSharpness', 'batchSharpnessStandardError']);
  });
});

describe('metric registry: what a metric needs to have a value', () => {
  it('declares the test metrics as needing a test set, energyResidual plain full-batch GD, the batch sharpness a fixed train set, and nothing else a requirement', () => {
    const required = METRIC_NAMES.filter((name) => metricDeclaration(name).requires !== undefined).map((name) => [name, metricDeclaration(name).requires]);
    expect(required).toEqual([
      ['testLoss', 'testSet'], ['testAccuracy', 'testSet'], ['energyResidual', 'fullBatchGd'], ['batchSharpness', 'fixedTrainSet'], ['batchSharpnessStandardError', 'fixedTrainSet'],
    ]);
  });

  it('turns unmet requirements into one problem per requirement, naming the metrics asked for that need it', () => {
    const unmet = { testSet: 'data.testCount is 0', fullBatchGd: 'optimizer.batchSize is 4' };
    expect(unmetRequirementProblems(['loss', 'testAccuracy'], unmet)).toEqual([
      `metrics.names: testAccuracy needs ${METRIC_REQUIREMENTS.testSet}, but data.testCount is 0; remove it from metrics.names or change the run`,
    ]);
    expect(unmetRequirementProblems(['testLoss', 'energyResidual', 'testAccuracy'], unmet)).toHaveLength(2);
    expect(unmetRequirementProblems(['testLoss', 'energyResidual'], {})).toEqual([]);
  });
});
