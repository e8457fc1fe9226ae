import { describe, expect, it, vi } from 'vitest';
import { drawnPath, drawnPoints } from '../../../src/app/drawn-points';
import { DRAW_EXTENT, DrawingController, pointAt, pointsCsv, RETRAIN_DELAY_MS } from '../../../src/ui/controllers/drawing-controller';
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

  it('adds a point per click only in draw mode (shift-click y = -1) and retrains once the clicks pause, on all of them', () => {
    vi.useFakeTimers();
    try {
      const host = fakeHost();
      const trained: [string, string][] = [];
      const drawing = new DrawingController(host, (name, text) => trained.push([name, text]));
      drawing.onClick(click(50, 25));
      expect(drawing.points).toEqual([]);
      drawing.setActive(true);
      drawing.onClick(click(50, 25));
      vi.advanceTimersByTime(RETRAIN_DELAY_MS - 1);
      drawing.onClick(click(150, 75, true));
      // Every click is in the drawn set at once; the run restarts once, after the last click.
      expect(drawing.points.map((p) => p.label)).toEqual([1, -1]);
      expect(trained).toEqual([]);
      vi.advanceTimersByTime(RETRAIN_DELAY_MS);
      const path = drawnPath([{ x: -0.75, y: 0.75, label: 1 }, { x: 0.75, y: -0.75, label: -1 }]);
      expect(trained).toEqual([[path, 'x0,x1,y\n-0.7500,0.7500,1\n0.7500,-0.7500,-1\n']]);
      drawing.onClick(click(100, 50));
      drawing.clear();
      vi.advanceTimersByTime(10 * RETRAIN_DELAY_MS);
      expect(drawing.points).toEqual([]);
      expect(trained).toHaveLength(1); // clearing does not retrain, and cancels the retraining still waiting
      expect(host.updates).toBeGreaterThanOrEqual(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps all of 8 quick clicks, whatever the run does meanwhile, and goes on from the points a link brought', () => {
    vi.useFakeTimers();
    try {
      let dataPath: string | undefined = drawnPath([{ x: 0.5, y: 0.5, label: -1 }]);
      const trained: string[] = [];
      const drawing = new DrawingController(fakeHost(), (name) => trained.push((dataPath = name)), () => dataPath);
      drawing.setActive(true);
      for (let i = 0; i < 8; i++) {
        drawing.onClick(click(20 * i, 10 * i));
        vi.advanceTimersByTime(RETRAIN_DELAY_MS / 2);
        if (i === 3) vi.advanceTimersByTime(RETRAIN_DELAY_MS); // a pause: the run restarts on the points so far
      }
      vi.advanceTimersByTime(RETRAIN_DELAY_MS);
      expect(trained).toHaveLength(2);
      expect(drawnPoints(trained.at(-1)!)).toHaveLength(9); // the link's point and the 8 clicks
      // A new preset or an upload replaced the data: the next click starts a new drawing.
      dataPath = undefined;
      drawing.onClick(click(0, 0));
      expect(drawing.points).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
