import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema';
import { METRIC_NAMES, metricNamesOf } from '../../src/metrics/registry';
import { METRIC_DESCRIPTIONS, describeMetric } from '../../src/ui/metric-descriptions';
import { isMetricName } from '../../src/metrics/registry';
import { PRESETS } from '../../src/experiments/presets';

describe('metric descriptions', () => {
  it('describes every metric name the engine logs, and nothing else', () => {
    for (const name of [...metricNamesOf('two-layer'), ...METRIC_NAMES]) {
      const description = METRIC_DESCRIPTIONS[name];
      expect(description, name).toBeDefined();
      expect(description.label.length, name).toBeGreaterThan(0);
      expect(typeof description.unit, name).toBe('string');
    }
    expect(Object.keys(METRIC_DESCRIPTIONS).sort()).toEqual([...METRIC_NAMES].sort());
  });

  it('describes every metric a preset plots', () => {
    for (const preset of PRESETS) for (const name of preset.plots) expect(isMetricName(name), `${preset.name}: ${name}`).toBe(true);
  });

  it('draws 2/lr beside the sharpness in particle time and sqrt(B)/lr beside the non-uniformity (docs/science.md section 4)', () => {
    const config = parseConfig({ optimizer: { learningRate: 0.5, batchSize: 16 } });
    expect(METRIC_DESCRIPTIONS.sharpnessParticleTime.reference!(config)).toEqual([{ label: '2/lr', value: 4 }]);
    expect(METRIC_DESCRIPTIONS.batchSharpness.reference!(config)).toEqual([{ label: '2/lr', value: 4 }]);
    expect(METRIC_DESCRIPTIONS.hessianTraceParticleTime.reference!(config)).toEqual([{ label: '2/lr', value: 4 }]);
    expect(METRIC_DESCRIPTIONS.nonUniformity.reference!(config)).toEqual([{ label: 'sqrt(B)/lr', value: 8 }]);
    // Full batch: no SGD bound on s.
    expect(METRIC_DESCRIPTIONS.nonUniformity.reference!(parseConfig({}))).toEqual([]);
    expect(METRIC_DESCRIPTIONS.loss.log).toBe(true);
  });

  it('draws the same bound in parameter units beside the sharpness: 2/(lr m) for mean-field, 2/lr otherwise', () => {
    const meanField = parseConfig({ model: { width: 100, scaling: 'mean-field' }, optimizer: { learningRate: 0.5 } });
    expect(METRIC_DESCRIPTIONS.sharpness.reference!(meanField)).toEqual([{ label: '2/(lr·m)', value: 0.04 }]);
    const ntk = parseConfig({ model: { width: 100, scaling: 'ntk' }, optimizer: { learningRate: 0.5 } });
    expect(METRIC_DESCRIPTIONS.sharpness.reference!(ntk)).toEqual([{ label: '2/lr', value: 4 }]);
    // The units say which is which.
    expect(describeMetric('sharpness').unit).toBe('parameter units');
    expect(describeMetric('sharpnessParticleTime').unit).toBe('1/lr');
    expect(describeMetric('sharpnessResidual').log).toBe(true);
    // The trace: parameter units and particle time, exact, with the same two bounds.
    expect(METRIC_DESCRIPTIONS.hessianTrace.reference!(meanField)).toEqual([{ label: '2/(lr·m)', value: 0.04 }]);
    expect(describeMetric('hessianTrace').unit).toBe('parameter units');
    expect(describeMetric('hessianTrace').label).toMatch(/exact/);
    expect(describeMetric('hessianTraceParticleTime').unit).toBe('1/lr');
    // The registry's words come along, for tooltips and listings.
    expect(describeMetric('hessianTraceParticleTime').description).toMatch(/factor \* Tr\(H\)/);
  });

  it('falls back to the name for an unknown metric', () => {
    expect(describeMetric('notAMetric')).toEqual({ label: 'notAMetric', unit: '' });
  });
});
