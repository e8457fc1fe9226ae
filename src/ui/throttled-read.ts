/**
 * A small GPU read-back for a view's labels (f's range, the fitted box), taken after frames at most every
 * `intervalMs` and never two at once: the labels follow the run without a read-back per frame.
 */
export class ThrottledRead<T> {
  private readAt = -Infinity;
  private pending = false;

  constructor(private readonly intervalMs: number) {}

  /** Starts `read` unless one is pending or the last began under intervalMs ago; `take` gets its value. A failed read is skipped (the next frame tries again). */
  maybe(read: () => Promise<T>, take: (value: T) => void): void {
    const now = performance.now();
    if (this.pending || now - this.readAt < this.intervalMs) return;
    this.pending = true;
    this.readAt = now;
    read()
      .then(take)
      .catch(() => undefined)
      .finally(() => (this.pending = false));
  }
}
