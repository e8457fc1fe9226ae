import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-summary-chart';
import { xyData, type GradflowSummaryChart } from '../../src/ui/gradflow-summary-chart';
import type { HeatmapPanel, XYPanel } from '../../src/ui/summary-data';

const nextFrame = () => new Promise<number>(requestAnimationFrame);

async function mount(panel: XYPanel | HeatmapPanel, pointColor?: (x: number) => string | undefined): Promise<GradflowSummaryChart> {
  const chart = document.createElement('gradflow-summary-chart');
  chart.style.width = '420px';
  chart.style.color = 'rgb(20, 20, 20)';
  chart.panel = panel;
  chart.pointColor = pointColor;
  document.body.append(chart);
  await chart.updateComplete;
  await nextFrame();
  await nextFrame();
  return chart;
}

const lazyPanel: XYPanel = {
  kind: 'xy', id: 'distanceFromInitRms', xPath: 'model.width', title: 'Rms distance from init vs width m', xLabel: 'width m', yLabel: 'rms distance from init', logX: true, logY: true,
  series: [
    { label: 'scaling=ntk', group: 0, kind: 'points', points: [{ x: 64, y: 0.25 }, { x: 4096, y: 0.03 }] },
    { label: 'scaling=ntk: slope −0.51', group: 0, kind: 'fit', points: [{ x: 64, y: 0.25 }, { x: 4096, y: 0.03 }], slope: -0.51 },
    { label: 'scaling=mean-field', group: 1, kind: 'points', points: [{ x: 64, y: 1 }, { x: 4096, y: 1.1 }] },
  ],
  references: [{ label: 'slope −1/2 (lazy theory)', points: [{ x: 64, y: 0.24 }, { x: 4096, y: 0.03 }] }],
  markers: [{ label: 'm = n = 64', x: 64 }],
  note: '',
};

describe('<gradflow-summary-chart>', () => {
  afterEach(() => document.querySelectorAll('gradflow-summary-chart').forEach((chart) => chart.remove()));

  it('draws markers, fits and the reference on log-log axes, with the slopes and the reference in its legend', async () => {
    const chart = await mount(lazyPanel);
    const plot = chart.uplot!;
    expect(plot).toBeDefined();
    expect(plot.series.map((s) => s.label)).toEqual(['width m', 'scaling=ntk', 'scaling=ntk: slope −0.51', 'scaling=mean-field', 'slope −1/2 (lazy theory)']);
    expect(plot.scales.x!.distr).toBe(3);
    expect(plot.scales.y!.distr).toBe(3);
    const legend = chart.shadowRoot!;
    expect([...legend.querySelectorAll('[data-testid="summary-slope"]')].map((e) => e.textContent)).toEqual(['−0.51']);
    expect(legend.querySelector('[data-testid="summary-reference"]')!.textContent).toMatch(/slope −1\/2/);
    expect(legend.querySelector('[data-testid="summary-marker"]')!.textContent).toMatch(/m = n = 64/);
    // The fitted group's markers share its legend entry; the other group's markers have their own.
    expect([...legend.querySelectorAll('[data-testid="summary-legend-entry"]')].map((e) => e.textContent!.trim().replace(/\s+/g, ' '))).toEqual(['scaling=ntk: slope −0.51', 'scaling=mean-field']);
    expect(await chart.toPng()).toMatch(/^data:image\/png;base64,/);
  });

  it("fills each marker with its x's colour from the run set's scale", async () => {
    const chart = await mount(lazyPanel, (x) => (x === 64 ? 'rgb(0, 200, 0)' : undefined));
    const canvas = chart.shadowRoot!.querySelector('canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let green = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 60 && pixels[i + 1]! > 160 && pixels[i + 2]! < 60) green += 1;
    expect(green).toBeGreaterThan(10); // the two markers at m = 64
  });

  it('joins every curve on the union of its xs, leaving out what a log axis cannot show', () => {
    const { data, empty } = xyData({ ...lazyPanel, series: [{ label: 'a', group: 0, kind: 'points', points: [{ x: 64, y: 0 }, { x: 256, y: 2 }] }], references: [], markers: [{ label: 'n', x: 100 }] });
    expect(empty).toBe(false);
    expect(data).toEqual([[64, 100, 256], [null, null, 2]]);
    expect(xyData({ ...lazyPanel, series: [] }).empty).toBe(true);
  });

  it('draws a heat map with the m = n cell outlined, and says why cells are empty', async () => {
    const chart = await mount({
      kind: 'heatmap', id: 'testLoss-heatmap-0', title: 'Final test loss over (m, n)', xLabel: 'width m', yLabel: 'samples n', valueLabel: 'test loss',
      xs: [10, 20, 40], ys: [20], cells: [[0.5, 3, null]], markDiagonal: true, note: 'one n',
    });
    const canvas = chart.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.heatmap')!;
    expect(canvas.width).toBeGreaterThan(0);
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
    expect(colours.size).toBeGreaterThan(4);
    expect(chart.shadowRoot!.querySelector('.note')!.textContent).toBe('one n');
    expect(chart.shadowRoot!.querySelector('[data-testid="summary-marker"]')!.textContent).toMatch(/m = n/);
  });
});
