/**
 * Tells a view when the page's theme may have changed: the root element's data-theme, class or style
 * (src/ui/controllers/theme-controller.ts sets data-theme there) or the system's colour scheme. A GPU view
 * clears its canvas with numbers, not CSS, so it must re-read the colours itself; reading them every
 * frame would force a style recalculation per frame.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ThemeWatch implements ReactiveController {
  private observer: MutationObserver | undefined;
  private readonly scheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  private readonly notify = () => this.onChange();

  constructor(
    host: ReactiveControllerHost,
    /** Re-reads the theme (also called once on connect). */
    private readonly onChange: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer = new MutationObserver(this.notify);
    this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    this.scheme?.addEventListener('change', this.notify);
    this.onChange();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.scheme?.removeEventListener('change', this.notify);
  }
}
