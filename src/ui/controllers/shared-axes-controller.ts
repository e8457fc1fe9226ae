/**
 * Shared axes for a run set's small multiples: about once a second, reads every small view's auto-fit box
 * (five floats each, reduced on the GPU) and hands their union back to all of them as the box their fit must
 * include, so every member is drawn on the same axes. The box only grows (a view's own box already includes
 * the shared one), and starts again for a new run.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Box = readonly [number, number, number, number];

/** What the controller reads from a small view. */
export interface BoundedView {
  readAutoFitBounds(): Promise<Float32Array>;
}

const REFRESH_MS = 1000;

/** The smallest box holding every finite box of `boxes`, or undefined when none is finite. */
export function unionBox(boxes: readonly (ArrayLike<number> | undefined)[]): Box | undefined {
  let box: [number, number, number, number] | undefined;
  for (const b of boxes) {
    if (!b || b.length < 4) continue;
    const [x0, y0, x1, y1] = [b[0]!, b[1]!, b[2]!, b[3]!];
    if (![x0, y0, x1, y1].every((v) => Number.isFinite(v) && Math.abs(v) < 1e30) || x0 > x1 || y0 > y1) continue;
    box = box ? [Math.min(box[0], x0), Math.min(box[1], y0), Math.max(box[2], x1), Math.max(box[3], y1)] : [x0, y0, x1, y1];
  }
  return box;
}

export class SharedAxesController implements ReactiveController {
  /** The box every small view includes; undefined until the first read. */
  box: Box | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private reading = false;
  private key: readonly unknown[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The small views now on the page. */
    private readonly views: () => readonly BoundedView[],
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Starts over when what the views show changes (the run, the projection: `key` lists it). */
  follow(...key: readonly unknown[]): void {
    if (key.length === this.key.length && key.every((part, i) => part === this.key[i])) return;
    this.key = key;
    this.box = undefined;
  }

  /** Reads the views' boxes now and widens the shared box to hold them. */
  async refresh(): Promise<void> {
    const views = this.views();
    if (this.reading || views.length < 2) return;
    this.reading = true;
    const key = this.key;
    try {
      const boxes = await Promise.all(views.map((view) => view.readAutoFitBounds().catch(() => undefined)));
      if (key !== this.key) return;
      const union = unionBox([...boxes, this.box]);
      if (union && (!this.box || union.some((v, i) => v !== this.box![i]))) {
        this.box = union;
        this.host.requestUpdate();
      }
    } finally {
      this.reading = false;
    }
  }
}
