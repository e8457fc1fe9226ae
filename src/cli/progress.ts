/** A one-line progress bar on a terminal (stderr); nothing when not a TTY or in CI. */
import type { ProgressEvent } from '../run/scheduler';

/** The rate is a guess until the run has gone this long: no ETA before it (the first chunk includes compiling). */
const ETA_AFTER_SECONDS = 1;

export interface ProgressReporter {
  update(event: ProgressEvent): void;
  /** Ends the current bar. */
  done(): void;
}

export function progressReporter(stream: NodeJS.WriteStream, enabled: boolean): ProgressReporter {
  let lastDraw = 0;
  let drawn = false;
  let started = 0;
  let run = 0;
  let lastStep = Infinity;
  return {
    update(event) {
      if (!enabled) return;
      const now = Date.now();
      // A step count that goes back starts a new bar: the first run, or the next run of a preset with several.
      if (event.step < lastStep) {
        if (drawn) stream.write('\n');
        drawn = false;
        run++;
        started = now;
        lastDraw = 0; // draw the new bar at once
      }
      lastStep = event.step;
      if (now - lastDraw < 100 && event.step < event.totalSteps) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((width * event.step) / event.totalSteps);
      const sure = (now - started) / 1000 >= ETA_AFTER_SECONDS && Number.isFinite(event.etaSeconds);
      const name = run > 1 ? `run ${run} ` : '';
      stream.write(
        `\r${name}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.step}/${event.totalSteps} steps  ${event.stepsPerSecond.toFixed(1)} steps/s  ETA ${sure ? duration(event.etaSeconds) : '...'}  loss ${event.loss.toExponential(3)}  `,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
      lastStep = Infinity;
    },
  };
}

/** 42 s, 3 min 5 s, 2 h 10 min. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
