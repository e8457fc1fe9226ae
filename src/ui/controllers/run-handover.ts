/**
 * A new run taking over the screen from the one it replaces: the old run stops training at once but keeps its
 * buffers, which the new run's views draw (its stand-in) until it has its own. So a restart (a drawn point, a
 * new setting, a rewind) never blanks the views, and a click on the function view always lands on it. The
 * replaced runs are destroyed once the new run draws (its 'source') or fails ('end'), after the host has
 * re-rendered with it and its views have had a frame to take the new buffers (a destroyed buffer stops a view).
 */
import type { ReactiveControllerHost } from 'lit';
import type { LiveNetwork, TrainingSession } from '../../app/training-session';

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

export class RunHandover {
  /** Replaced runs, halted, whose buffers may still be on screen. */
  private replaced: TrainingSession[] = [];

  constructor(private readonly host: ReactiveControllerHost) {}

  /**
   * Halts `previous` (its buffers kept) and returns what the next run shows until it draws. A previous run still
   * being set up gives its set-up up there and then (it builds nothing more, and frees what it had built).
   */
  replace(previous: TrainingSession | undefined): LiveNetwork | undefined {
    if (!previous) return undefined;
    const shown = previous.live;
    previous.halt();
    this.replaced.push(previous);
    return shown;
  }

  /** The run on screen now draws its own buffers, or failed: the replaced runs go. */
  async settle(): Promise<void> {
    const replaced = this.replaced;
    if (replaced.length === 0) return;
    this.replaced = [];
    this.host.requestUpdate();
    await this.host.updateComplete;
    await nextFrame();
    await nextFrame();
    await Promise.all(replaced.map((session) => session.destroy()));
  }

  /** The host leaves the page: every replaced run goes now. */
  destroyAll(): void {
    for (const session of this.replaced.splice(0)) void session.destroy();
  }
}
