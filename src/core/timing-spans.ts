/**
 * Set-up spans as User Timing measures (`performance.measure`, named `gradflow/<span>`): silent in a normal
 * run, visible in the browser's Performance panel, and read by the time-to-first-step e2e to say where the
 * time before the first step goes (data, pipeline compilation, kernel autotuning, the first chunk).
 */

/** Prefix of every measure this module records, so readers can pick GradFlow's out of the page's. */
export const TIMING_SPAN_PREFIX = 'gradflow/';

/**
 * Runs `work` and records the wall time from its start to its settling (fulfilled or rejected) as the
 * measure `gradflow/<name>`. Concurrent spans overlap; their sum is not a wall time.
 */
export async function timedSpan<T>(name: string, work: () => Promise<T>): Promise<T> {
  const startMs = performance.now();
  try {
    return await work();
  } finally {
    recordSpan(name, startMs);
  }
}

function recordSpan(name: string, startMs: number): void {
  // Timing is advisory: an environment whose User Timing refuses the entry loses a report, never the run.
  try {
    performance.measure(`${TIMING_SPAN_PREFIX}${name}`, { start: startMs, end: performance.now() });
  } catch {
    /* no User Timing here */
  }
}
