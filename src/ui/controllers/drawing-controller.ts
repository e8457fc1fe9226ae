/**
 * Draw mode of the function view (d = 2): each click adds a training point, y = +1 on a left click and
 * y = -1 on a shift-click, and the network retrains on all the points drawn so far (as drawn.csv).
 */
import type { ReactiveControllerHost } from 'lit';

/** The input box clicks map into while drawing: x0,x1,y0,y1 (the view's `extent` attribute). */
export const DRAW_EXTENT = '-1.5,1.5,-1.5,1.5';

export interface DrawnPoint {
  readonly x: number;
  readonly y: number;
  /** +1 or -1. */
  readonly label: number;
}

/** Holds state for its host and asks it to re-render; no lifecycle hooks, so it is not registered with addController. */
export class DrawingController {
  active = false;
  points: readonly DrawnPoint[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Trains on a CSV file's text (rejecting a bad one). */
    private readonly trainOnCsv: (name: string, text: string) => void,
  ) {}

  setActive(active: boolean): void {
    this.active = active;
    this.host.requestUpdate();
  }

  /** Forgets the drawn points; the run goes on with them until the next drawn point or config. */
  clear(): void {
    this.points = [];
    this.host.requestUpdate();
  }

  /** The view's click: the point under the pointer, in input coordinates, joins the training data. */
  readonly onClick = (event: MouseEvent): void => {
    if (!this.active) return;
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    this.points = [...this.points, pointAt(event, box, event.shiftKey ? -1 : 1)];
    this.host.requestUpdate();
    this.trainOnCsv('drawn.csv', pointsCsv(this.points));
  };
}

/** Where a click lands in DRAW_EXTENT: x grows to the right, y upwards (pixel rows grow downwards). */
export function pointAt(click: { clientX: number; clientY: number }, box: DOMRectReadOnly, label: number): DrawnPoint {
  const [x0, x1, y0, y1] = DRAW_EXTENT.split(',').map(Number) as [number, number, number, number];
  const x = x0 + ((click.clientX - box.left) / box.width) * (x1 - x0);
  const y = y1 - ((click.clientY - box.top) / box.height) * (y1 - y0);
  return { x, y, label };
}

/** The points as a CSV with header x0,x1,y, coordinates to 4 decimals. */
export function pointsCsv(points: readonly DrawnPoint[]): string {
  return `x0,x1,y\n${points.map((p) => `${p.x.toFixed(4)},${p.y.toFixed(4)},${p.label}`).join('\n')}\n`;
}
