/**
 * Keeps a warning on screen while its condition flickers. The learning-rate warning's conditions (lr past
 * 2 / sharpness at the latest logged step, the loss rising fourfold over 20 steps) turn on and off from one
 * frame to the next near the edge of stability, which showed the banner for about a second: too short to read.
 * Here a warning stays from its first sighting until its condition has been false for `holdMs`, and goes at
 * once when its key changes (a new run, a new learning rate: the user acted on it).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long a warning stays after its condition turned false: long enough to read a line. */
export const WARNING_HOLD_MS = 4000;

export class HeldWarningController implements ReactiveController {
  private text = '';
  private seenAtMs = -Infinity;
  private key: readonly unknown[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly holdMs = WARNING_HOLD_MS,
    /** Milliseconds on a monotonic clock (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * The warning to show now: `current` when its condition holds, else the last warning seen under the same
   * key within holdMs (the host re-renders when that time is up, also while a paused run draws nothing), else ''.
   */
  show(current: string, key: readonly unknown[]): string {
    const now = this.now();
    if (key.length !== this.key.length || key.some((part, i) => !Object.is(part, this.key[i]))) {
      this.key = key;
      this.text = '';
    }
    if (current) {
      this.text = current;
      this.seenAtMs = now;
      return current;
    }
    const leftMs = this.seenAtMs + this.holdMs - now;
    if (!this.text || leftMs <= 0) {
      this.text = '';
      return '';
    }
    this.wakeIn(leftMs);
    return this.text;
  }

  private wakeIn(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.host.requestUpdate();
    }, delayMs + 1);
  }
}
