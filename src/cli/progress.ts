/** A one-line progress bar on a terminal (stderr); nothing when not a TTY or in CI. */
import type { ProgressEvent } from '../run/scheduler';

export function progressReporter(stream: NodeJS.WriteStream, enabled: boolean): { update(event: ProgressEvent): void; done(): void } {
  let lastDraw = 0;
  let drawn = false;
  return {
    update(event) {
      if (!enabled) return;
      const now = Date.now();
      if (now - lastDraw < 100 && event.step < event.totalSteps) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((width * event.step) / event.totalSteps);
      const eta = Number.isFinite(event.etaSeconds) ? `${event.etaSeconds.toFixed(0)} s` : '?';
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.step}/${event.totalSteps} steps  ${event.stepsPerSecond.toFixed(1)} steps/s  ETA ${eta}  loss ${event.loss.toExponential(3)}  `);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
