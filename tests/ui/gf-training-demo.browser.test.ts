import { describe, expect, it } from 'vitest';
import '../../src/ui/gf-training-demo';
import type { GfTrainingDemo } from '../../src/ui/gf-training-demo';

function text(element: GfTrainingDemo, testId: string): string {
  return element.shadowRoot?.querySelector(`[data-testid=${testId}]`)?.textContent ?? '';
}

describe('<gf-training-demo>', () => {
  it('starts training the default network by itself and shows a falling loss', async () => {
    const element = document.createElement('gf-training-demo');
    element.stepsPerFrame = 5;
    element.maxSteps = 20;
    document.body.append(element);
    const firstLosses: number[] = [];
    await expect
      .poll(() => {
        const value = Number(text(element, 'loss'));
        if (Number.isFinite(value) && firstLosses.length === 0) firstLosses.push(value);
        return Number(text(element, 'step'));
      }, { timeout: 60_000, interval: 200 })
      .toBeGreaterThanOrEqual(20);
    const lastLoss = Number(text(element, 'loss'));
    expect(element.shadowRoot?.querySelector('[role=alert]')).toBeNull();
    expect(lastLoss).toBeGreaterThan(0);
    expect(lastLoss).toBeLessThan(firstLosses[0]!);
    // The chart canvas was drawn: some pixel is not transparent.
    const chart = element.shadowRoot!.querySelector('gf-loss-chart')!;
    const canvas = chart.shadowRoot!.querySelector('canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    expect(pixels.some((value, index) => index % 4 === 3 && value > 0)).toBe(true);
    element.remove();
  });
});
