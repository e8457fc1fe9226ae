import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-metric-chart';
import type { GradflowMetricChart } from '../../src/ui/gradflow-metric-chart';
import type { MetricSeries } from '../../src/ui/metric-chart-series';

const nextFrame = () => new Promise<number>(requestAnimationFrame);

async function mount(setup: (chart: GradflowMetricChart) => void): Promise<GradflowMetricChart> {
  const chart = document.createElement('gradflow-metric-chart');
  chart.style.width = '480px';
  chart.style.color = 'rgb(20, 20, 20)';
  chart.style.setProperty('--gf-chart-series-1', 'rgb(0, 0, 255)');
  chart.style.setProperty('--gf-chart-series-2', 'rgb(255, 0, 0)');
  setup(chart);
  document.body.append(chart);
  await chart.updateComplete;
  await nextFrame();
  await nextFrame();
  return chart;
}

function canvasOf(chart: GradflowMetricChart): HTMLCanvasElement {
  const canvas = chart.shadowRoot!.querySelector('canvas');
  expect(canvas).not.toBeNull();
  return canvas!;
}

/** Pixels within 60 per channel of the opaque colour [r, g, b] (line edges are antialiased). */
function countNear(canvas: HTMLCanvasElement, [r, g, b]: [number, number, number]): number {
  const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3]! > 200 && Math.abs(pixels[i]! - r) < 60 && Math.abs(pixels[i + 1]! - g) < 60 && Math.abs(pixels[i + 2]! - b) < 60) count += 1;
  }
  return count;
}

const run = (label: string, steps: number[], values: number[]): MetricSeries => ({ label, steps, values });
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('<gradflow-metric-chart>', () => {
  afterEach(() => document.querySelectorAll('gradflow-metric-chart').forEach((chart) => chart.remove()));

  it('draws the series on a uPlot canvas with uPlot CSS in the shadow root and axis labels with units', async () => {
    const chart = await mount((c) => {
      c.metric = 'sharpness';
      c.series = [run('lr 0.1', range(50, (i) => i * 10), range(50, (i) => 5 + Math.sin(i / 5)))];
    });
    const canvas = canvasOf(chart);
    expect(canvas.width).toBeGreaterThan(0);
    expect(countNear(canvas, [0, 0, 255])).toBeGreaterThan(50);
    // uPlot's stylesheet is inside the shadow root: its legend table is laid out by it.
    const legend = chart.shadowRoot!.querySelector('.u-legend')!;
    expect(getComputedStyle(legend).display).not.toBe('inline');
    expect(chart.uplot!.axes[0]!.label).toBe('step');
    expect(chart.uplot!.axes[1]!.label).toBe('sharpness λ_max(H) [parameter units]');
    expect(chart.uplot!.scales.y!.distr).toBe(1);
  });

  it('uses a log axis for the loss and leaves values <= 0 out with a note', async () => {
    const chart = await mount((c) => {
      c.metric = 'loss';
      c.series = [run('train', [0, 1, 2, 3, 4], [1, 0.1, 0, -1, 1e-3])];
    });
    expect(chart.uplot!.scales.y!.distr).toBe(3);
    expect(chart.uplot!.data[1]).toEqual([1, 0.1, null, null, 1e-3]);
    await chart.updateComplete;
    expect(chart.shadowRoot!.querySelector('.note')!.textContent).toContain('2 values ≤ 0 not shown on the log axis');
    // The attribute overrides the metric's default.
    chart.removeAttribute('log');
    chart.logScale = false;
    await chart.updateComplete;
    await nextFrame();
    expect(chart.uplot!.scales.y!.distr).toBe(1);
  });

  it('puts a rate metric on log-log axes, leaving step 0 out', async () => {
    const chart = await mount((c) => {
      c.metric = 'marginGap';
      c.series = [run('ngd', [0, 1, 10, 100, 1000], [1, 0.5, 0.05, 0.005, 0.0005])];
    });
    expect(chart.uplot!.scales.x!.distr).toBe(3);
    expect(chart.uplot!.scales.y!.distr).toBe(3);
    expect(chart.uplot!.data[0]).toEqual([1, 10, 100, 1000]);
    expect(chart.uplot!.axes[0]!.label).toBe('step (log axis)');
  });

  it('overlays two runs with different steps on the union of their steps', async () => {
    const chart = await mount((c) => {
      c.metric = 'loss';
      c.series = [run('gd', [0, 10, 20, 30], [1, 0.5, 0.25, 0.125]), run('sgd', [0, 15, 30], [2, 1, 0.5])];
    });
    const plot = chart.uplot!;
    expect(plot.series.map((s) => s.label)).toEqual(['step', 'gd', 'sgd']);
    expect(plot.data[0]).toEqual([0, 10, 15, 20, 30]);
    expect(plot.data[1]).toEqual([1, 0.5, undefined, 0.25, 0.125]);
    expect(plot.data[2]).toEqual([2, undefined, 1, undefined, 0.5]);
    const canvas = canvasOf(chart);
    expect(countNear(canvas, [0, 0, 255])).toBeGreaterThan(20);
    expect(countNear(canvas, [255, 0, 0])).toBeGreaterThan(20);
  });

  it('draws a labelled dashed reference line', async () => {
    const chart = await mount((c) => {
      c.metric = 'sharpness';
      c.style.setProperty('--gf-chart-reference', 'rgb(0, 160, 0)');
      c.series = [run('gd', range(20, (i) => i), range(20, (i) => 1 + i / 10))];
      c.referenceLines = [{ label: '2/lr', value: 4 }];
    });
    const plot = chart.uplot!;
    const reference = plot.series[2]!;
    expect(reference.label).toBe('2/lr');
    expect(reference.dash).toEqual([6, 4]);
    expect(Array.from(plot.data[2] as ArrayLike<number>).every((v) => v === 4)).toBe(true);
    expect(plot.scales.y!.max!).toBeGreaterThanOrEqual(4);
    expect(chart.shadowRoot!.querySelector('.u-legend')!.textContent).toContain('2/lr');
    expect(countNear(canvasOf(chart), [0, 160, 0])).toBeGreaterThan(30);
  });

  it('batches appends into one redraw per animation frame', async () => {
    const chart = await mount((c) => {
      c.metric = 'loss';
      c.series = [run('live', [], [])];
    });
    const before = chart.redrawCount;
    for (let step = 0; step < 200; step += 1) chart.appendPoint(0, step, Math.exp(-step / 50));
    expect(chart.redrawCount).toBe(before);
    await nextFrame();
    await nextFrame();
    expect(chart.redrawCount).toBe(before + 1);
    expect(chart.uplot!.data[0]).toHaveLength(200);
    expect(() => chart.appendPoint(3, 0, 1)).toThrow(RangeError);
  });

  it('breaks the line at non-finite values', async () => {
    const chart = await mount((c) => {
      c.metric = 'gradNorm';
      c.logScale = false;
      c.series = [run('diverging', [0, 1, 2, 3, 4, 5], [1, NaN, 3, Infinity, 5, -Infinity])];
    });
    expect(chart.uplot!.data[1]).toEqual([1, null, 3, null, 5, null]);
  });

  it('draws unconverged values as hollow grey markers over the line, with a legend entry and a note giving the residual', async () => {
    const note = 'not converged: residual 2.50e-3 after 100 Lanczos iterations';
    const chart = await mount((c) => {
      c.metric = 'sharpnessParticleTime';
      c.style.setProperty('--gf-chart-unconverged', 'rgb(0, 200, 0)');
      c.series = [{ ...run('gd', [0, 10, 20, 30], [4, 4.5, 5, 5.2]), unconverged: [undefined, undefined, note, undefined] }];
    });
    const plot = chart.uplot!;
    // The run's line, then its unconverged values alone (null elsewhere), drawn as points without a line.
    expect(plot.series.map((s) => s.label)).toEqual(['step', 'gd', 'gd: not converged']);
    expect(plot.data[1]).toEqual([4, 4.5, 5, 5.2]);
    expect(plot.data[2]).toEqual([null, null, 5, null]);
    expect(countNear(canvasOf(chart), [0, 0, 255])).toBeGreaterThan(20);
    // A hollow ring (9 px across, 2 px outline) in the unconverged colour.
    expect(countNear(canvasOf(chart), [0, 200, 0])).toBeGreaterThan(10);
    await chart.updateComplete;
    const text = chart.shadowRoot!.querySelector('.note')!.textContent!;
    expect(text).toContain('1 value not converged (hollow grey markers): step 20: not converged: residual 2.50e-3 after 100 Lanczos iterations');
    expect(chart.shadowRoot!.querySelector('.note')!.hasAttribute('hidden')).toBe(false);
    expect(chart.shadowRoot!.querySelector('.u-legend')!.textContent).toContain('gd: not converged');
    // Converged runs keep a single column per run and no note.
    chart.series = [run('gd', [0, 10], [4, 4.5])];
    await chart.updateComplete;
    await nextFrame();
    await nextFrame();
    expect(chart.uplot!.series.map((s) => s.label)).toEqual(['step', 'gd']);
    expect(chart.shadowRoot!.querySelector('.note')!.hasAttribute('hidden')).toBe(true);
  });

  it('follows its width and exports a PNG', async () => {
    const chart = await mount((c) => {
      c.metric = 'accuracy';
      c.series = [run('gd', [0, 1, 2], [0.5, 0.7, 0.9])];
    });
    expect(chart.uplot!.width).toBe(480);
    chart.style.width = '320px';
    await expect.poll(() => chart.uplot!.width).toBe(320);
    const png = await chart.toPng();
    expect(png.startsWith('data:image/png;base64,')).toBe(true);
    const image = new Image();
    image.src = png;
    await image.decode();
    expect(image.width).toBeGreaterThanOrEqual(320);
  });

  it("draws a series in its own colour and dash (a run set's member), and hides the legend when asked", async () => {
    const chart = await mount((c) => {
      c.metric = 'loss';
      c.hideLegend = true;
      c.series = [
        { ...run('width=64', range(40, (i) => i), range(40, (i) => 1 / (1 + i))), color: 'rgb(0, 160, 0)' },
        { ...run('width=4096', range(40, (i) => i), range(40, (i) => 2 / (1 + i))), color: 'rgb(200, 0, 200)', dash: [6, 4] },
      ];
    });
    const canvas = canvasOf(chart);
    expect(countNear(canvas, [0, 160, 0])).toBeGreaterThan(20);
    expect(countNear(canvas, [200, 0, 200])).toBeGreaterThan(10);
    expect(countNear(canvas, [0, 0, 255])).toBe(0); // the palette's first colour is not used
    expect(chart.uplot!.series[2]!.dash).toEqual([6, 4]);
    expect(chart.shadowRoot!.querySelector('.u-legend')).toBeNull();
  });

  it('draws a sparsely logged run (test loss every 25 steps) as markers without a line, named "(every 25 steps)"', async () => {
    const steps = range(101, (i) => i);
    const chart = await mount((c) => {
      c.metric = 'loss';
      c.series = [run('train loss', steps, steps.map((t) => Math.exp(-t / 5) + 1e-4)), run('test loss', [0, 25, 50, 75, 100], [1.1, 2e-3, 3e-4, 2e-4, 2e-4])];
    });
    const plot = chart.uplot!;
    expect(plot.series.map((s) => s.label)).toEqual(['step', 'train loss', 'test loss (every 25 steps)']);
    expect(chart.shadowRoot!.querySelector('.u-legend')!.textContent).toContain('test loss (every 25 steps)');
    const canvas = canvasOf(chart);
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const red = (column: number, rows: [number, number]) => {
      let count = 0;
      for (let row = rows[0]; row < rows[1]; row++) {
        const i = (row * canvas.width + Math.round(column)) * 4;
        const [r, g, b, a] = [pixels.data[i]!, pixels.data[i + 1]!, pixels.data[i + 2]!, pixels.data[i + 3]!];
        if (a > 200 && r > 195 && g < 60 && b < 60) count += 1;
      }
      return count;
    };
    const plotRows: [number, number] = [Math.round(plot.bbox.top), Math.round(plot.bbox.top + plot.bbox.height)];
    // A marker at each logged step...
    for (const step of [25, 50, 75]) expect(red(plot.valToPos(step, 'x', true), plotRows), `marker at step ${step}`).toBeGreaterThan(2);
    // ...and nothing between them: no straight segment from (0, 1.1) to (25, 2e-3) above the train loss.
    for (const step of [6, 12.5, 19, 37.5, 62.5]) expect(red(plot.valToPos(step, 'x', true), plotRows), `column at step ${step}`).toBe(0);
    // Runs logged alike (every 25 steps each) keep their lines and names.
    chart.series = [run('gd', [0, 25, 50], [1, 0.5, 0.25]), run('sgd', [0, 25, 50], [2, 1, 0.5])];
    await chart.updateComplete;
    await nextFrame();
    await nextFrame();
    expect(chart.uplot!.series.map((s) => s.label)).toEqual(['step', 'gd', 'sgd']);
  });
});
