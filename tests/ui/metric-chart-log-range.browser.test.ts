/**
 * uPlot's own log tick loop never ended for a range starting below about 1e-25 (sgd-escape's mean squared norm of
 * float32 particles reaching 1e-45): it ran for over a minute and threw "Invalid array length", freezing the app.
 * The charts' log axes now place their own ticks (logTicks).
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-metric-chart';
import type { GradflowMetricChart } from '../../src/ui/gradflow-metric-chart';

const nextFrame = () => new Promise<number>(requestAnimationFrame);

afterEach(() => document.body.replaceChildren());

describe('a log-axis metric chart over extreme ranges', () => {
  for (const [name, values] of [
    ['down to the smallest float32', [1, 1e-10, 1e-30, 1.4e-45]],
    ['down to float64 subnormals', [1, 1e-100, 1e-300, 5e-324]],
    ['up to huge values', [1, 1e30, 1e300, 1.7e308]],
    ['tiny and equal', [1e-45, 1e-45, 1e-45]],
    ['with zeros', [1, 0, 0, 1e-20]],
    ['from 1e-26 (the first decade whose ticks never ended)', [1, 1e-26]],
    ['over the whole float32 range', [3e38, 1.4e-45]],
  ] as const) {
    it(`draws ${name} without an error`, async () => {
      const errors: unknown[] = [];
      const onError = (event: ErrorEvent) => errors.push(event.error ?? event.message);
      window.addEventListener('error', onError);
      const chart = document.createElement('gradflow-metric-chart') as GradflowMetricChart;
      chart.style.width = '480px';
      chart.logScale = true;
      chart.series = [{ label: 'run', steps: values.map((_, i) => i * 50), values: [...values] }];
      document.body.append(chart);
      await chart.updateComplete;
      await nextFrame();
      await nextFrame();
      window.removeEventListener('error', onError);
      expect(errors).toEqual([]);
      expect(chart.uplot).toBeDefined();
      // Every positive value is drawn; the axis has decade ticks at both ends of the data.
      const shown = values.filter((v) => v > 0);
      const ticks = chart.uplot!.axes[1]!.ticks;
      expect(ticks).toBeDefined();
      // The scale spans whole decades around the data, within 1e-300 to 1e300 (float64's extremes are drawn at the edge).
      const y = chart.uplot!.scales.y!;
      expect(y.min!).toBeLessThanOrEqual(Math.max(Math.min(...shown), 1e-300));
      expect(y.max!).toBeGreaterThanOrEqual(Math.min(Math.max(...shown), 1e300));
      expect(Number.isFinite(Math.log10(y.min!)) && Number.isInteger(Math.round(Math.log10(y.min!) * 1e6) / 1e6)).toBe(true);
    });
  }
});
