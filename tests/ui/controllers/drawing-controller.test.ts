import { describe, expect, it } from 'vitest';
import { DRAW_EXTENT, DrawingController, pointAt, pointsCsv } from '../../../src/ui/controllers/drawing-controller';
import { fakeHost } from './fake-host';

/** A view 200 x 100 px whose top left corner is at (10, 20) in the page. */
const BOX = { left: 10, top: 20, width: 200, height: 100 } as DOMRectReadOnly;
const click = (x: number, y: number, shiftKey = false) =>
  ({ clientX: BOX.left + x, clientY: BOX.top + y, shiftKey, currentTarget: { getBoundingClientRect: () => BOX } }) as unknown as MouseEvent;

describe('DrawingController (points drawn on the function view)', () => {
  it('maps the view box onto the draw extent, y upwards', () => {
    expect(DRAW_EXTENT).toBe('-1.5,1.5,-1.5,1.5');
    expect(pointAt({ clientX: 10, clientY: 20 }, BOX, 1)).toEqual({ x: -1.5, y: 1.5, label: 1 });
    expect(pointAt({ clientX: 210, clientY: 120 }, BOX, -1)).toEqual({ x: 1.5, y: -1.5, label: -1 });
    expect(pointAt({ clientX: 60, clientY: 45 }, BOX, 1)).toEqual({ x: -0.75, y: 0.75, label: 1 });
  });

  it('writes the points as a CSV with header x0,x1,y', () => {
    expect(pointsCsv([{ x: -0.75, y: 0.75, label: 1 }, { x: 0.123456, y: 0, label: -1 }])).toBe('x0,x1,y\n-0.7500,0.7500,1\n0.1235,0.0000,-1\n');
  });

  it('adds a point per click only in draw mode (shift-click y = -1) and retrains on all of them', () => {
    const host = fakeHost();
    const trained: [string, string][] = [];
    const drawing = new DrawingController(host, (name, text) => trained.push([name, text]));
    drawing.onClick(click(50, 25));
    expect(drawing.points).toEqual([]);
    drawing.setActive(true);
    drawing.onClick(click(50, 25));
    drawing.onClick(click(150, 75, true));
    expect(drawing.points.map((p) => p.label)).toEqual([1, -1]);
    expect(trained).toEqual([
      ['drawn.csv', 'x0,x1,y\n-0.7500,0.7500,1\n'],
      ['drawn.csv', 'x0,x1,y\n-0.7500,0.7500,1\n0.7500,-0.7500,-1\n'],
    ]);
    drawing.clear();
    expect(drawing.points).toEqual([]);
    expect(trained).toHaveLength(2); // clearing does not retrain
    expect(host.updates).toBeGreaterThanOrEqual(4);
  });
});
