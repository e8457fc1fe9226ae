/**
 * Draw mode of the function view (d = 2): each click adds a training point, y = +1 on a left click and
 * y = -1 on a shift-click, and the network retrains on all the points drawn so far. A click joins the drawn
 * set at once; the retraining waits until the clicks pause (RETRAIN_DELAY_MS), so a burst of clicks restarts
 * the run once, not once a click. The points travel in the data path (src/app/drawn-points.ts), so a link
 * of a drawn run trains on them in any tab.
 */
import type { ReactiveControllerHost } from 'lit';
import { drawnPath, drawnPoints, isDrawnPath, pointsCsv, type DrawnPoint } from '../../app/drawn-points';

export { pointsCsv, type DrawnPoint } from '../../app/drawn-points';

/** The input box clicks map into while drawing: x0,x1,y0,y1 (the view's `extent` attribute). */
export const DRAW_EXTENT = '-1.5,1.5,-1.5,1.5';

/** Quiet time after the last click before the run restarts on the drawn points (a restart costs about a second on a software GPU). */
export const RETRAIN_DELAY_MS = 300;

/** Holds state for its host and asks it to re-render; no lifecycle hooks, so it is not registered with addController. */
export class DrawingController {
  active = false;
  points: readonly DrawnPoint[] = [];
  /** The data path this controller last trained on: another one in the config means the data changed elsewhere. */
  private trainedPath: string | undefined;
  private retrainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Trains on a CSV file's text (rejecting a bad one); `name` is the data path the run names it by. */
    private readonly trainOnCsv: (name: string, text: string) => void,
    /**
     * The current config's data path (undefined for data that is no file), if the app gives it: drawing then goes
     * on from the points a link brought (and starts afresh after an upload or a new preset) instead of from this
     * tab's last drawing.
     */
    private readonly currentDataPath?: () => string | undefined,
  ) {}

  setActive(active: boolean): void {
    this.active = active;
    this.host.requestUpdate();
  }

  /** Forgets the drawn points (and a retraining not yet started); the run goes on with them until the next drawn point or config. */
  clear(): void {
    this.points = [];
    this.cancelRetrain();
    this.host.requestUpdate();
  }

  /** The view's click: the point under the pointer, in input coordinates, joins the training data. */
  readonly onClick = (event: MouseEvent): void => {
    if (!this.active) return;
    const view = event.currentTarget as HTMLElement & { planePointAt?(x: number, y: number): [number, number] | null };
    const label = event.shiftKey ? -1 : 1;
    let point: DrawnPoint;
    if (view.planePointAt) {
      // The view knows its plot box (inside its axes, colour bar and key) and the plane it shows there.
      const at = view.planePointAt(event.clientX, event.clientY);
      if (!at) return; // on the axes, the colour bar or the key
      point = { x: at[0], y: at[1], label };
    } else point = pointAt(event, view.getBoundingClientRect(), label);
    this.points = [...this.pointsSoFar(), point];
    this.host.requestUpdate();
    this.cancelRetrain();
    this.retrainTimer = setTimeout(() => this.retrain(), RETRAIN_DELAY_MS);
  };

  private retrain(): void {
    this.cancelRetrain();
    const path = drawnPath(this.points);
    this.trainedPath = path;
    this.trainOnCsv(path, pointsCsv(this.points));
  }

  private cancelRetrain(): void {
    clearTimeout(this.retrainTimer);
    this.retrainTimer = undefined;
  }

  /** The drawn set a click adds to: ours, unless the config's data changed elsewhere since we last trained (then its drawn points, or none). */
  private pointsSoFar(): readonly DrawnPoint[] {
    if (!this.currentDataPath || this.retrainTimer !== undefined) return this.points;
    const current = this.currentDataPath() ?? '';
    if (current === this.trainedPath) return this.points;
    this.trainedPath = current;
    return isDrawnPath(current) ? drawnPoints(current) : [];
  }
}

/** A raw config's data path (undefined for data that is no file): what DrawingController's currentDataPath reads. */
export function dataPathOf(raw: Record<string, unknown>): string | undefined {
  const data = raw.data as { path?: unknown } | undefined;
  return typeof data?.path === 'string' ? data.path : undefined;
}

/** Where a click lands in DRAW_EXTENT: x grows to the right, y upwards (pixel rows grow downwards). */
export function pointAt(click: { clientX: number; clientY: number }, box: DOMRectReadOnly, label: number): DrawnPoint {
  const [x0, x1, y0, y1] = DRAW_EXTENT.split(',').map(Number) as [number, number, number, number];
  const x = x0 + ((click.clientX - box.left) / box.width) * (x1 - x0);
  const y = y1 - ((click.clientY - box.top) / box.height) * (y1 - y0);
  return { x, y, label };
}
