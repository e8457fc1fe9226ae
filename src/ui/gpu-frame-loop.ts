/**
 * Calls `draw` once per animation frame while the host is connected, the page is visible and the host
 * intersects the viewport (a view scrolled away costs nothing), and measures frames per second.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class AnimationFrameLoop implements ReactiveController {
  /** Frames drawn per second, averaged over the last second. */
  framesPerSecond = 0;
  private handle = 0;
  private visible = true;
  private observer: IntersectionObserver | undefined;
  private windowStart = 0;
  private framesInWindow = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly draw: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof IntersectionObserver !== 'undefined') {
      this.observer = new IntersectionObserver((entries) => {
        for (const entry of entries) this.visible = entry.isIntersecting;
      });
      this.observer.observe(this.host);
    }
    this.windowStart = performance.now();
    this.schedule();
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.handle);
    this.handle = 0;
    this.observer?.disconnect();
    this.observer = undefined;
  }

  private schedule(): void {
    this.handle = requestAnimationFrame(() => this.tick());
  }

  private tick(): void {
    if (document.visibilityState !== 'hidden' && this.visible && this.draw()) this.framesInWindow += 1;
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      this.framesPerSecond = (this.framesInWindow * 1000) / (now - this.windowStart);
      this.framesInWindow = 0;
      this.windowStart = now;
    }
    this.schedule();
  }
}
