import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, NETWORK_METRIC_NAMES, parseConfig } from '../../src/config/schema';
import { METRIC_DESCRIPTIONS, describeMetric, isMetricName } from '../../src/ui/metric-descriptions';
import { PRESETS } from '../../src/experiments/presets';

describe('metric descriptions', () => {
  it('describes every metric name the engine logs, and nothing else', () => {
    for (const name of [...NETWORK_METRIC_NAMES, ...METRIC_NAMES]) {
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

  it('draws 2/lr beside the sharpness and sqrt(B)/lr beside the non-uniformity (SCIENCE.md section 4)', () => {
    const config = parseConfig({ optimizer: { learningRate: 0.5, batchSize: 16 } });
    expect(METRIC_DESCRIPTIONS.sharpness.reference!(config)).toEqual([{ label: '2/lr', value: 4 }]);
    expect(METRIC_DESCRIPTIONS.hessianTrace.reference!(config)).toEqual([{ label: '2/lr', value: 4 }]);
    expect(METRIC_DESCRIPTIONS.nonUniformity.reference!(config)).toEqual([{ label: 'sqrt(B)/lr', value: 8 }]);
    // Full batch: no SGD bound on s.
    expect(METRIC_DESCRIPTIONS.nonUniformity.reference!(parseConfig({}))).toEqual([]);
    expect(METRIC_DESCRIPTIONS.loss.log).toBe(true);
  });

  it('falls back to the name for an unknown metric', () => {
    expect(describeMetric('notAMetric')).toEqual({ label: 'notAMetric', unit: '' });
    expect(describeMetric('sharpness').unit).toBe('1/lr');
  });
});
