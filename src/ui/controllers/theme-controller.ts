/**
 * The page's colour theme: 'auto' follows the system, 'light' and 'dark' force one. The choice is kept in
 * localStorage and applied as `data-theme` on the root element, where index.html's colour variables read it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export const THEMES = ['auto', 'light', 'dark'] as const;
export const THEME_STORAGE_KEY = 'gradflow-theme';

export class ThemeController implements ReactiveController {
  /** The chosen theme, one of THEMES ('auto' until one is chosen). */
  theme: string;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Called after a change: canvases that read the colour variables when they draw must redraw. */
    private readonly onChange: () => void = () => {},
  ) {
    this.theme = localStorage.getItem(THEME_STORAGE_KEY) ?? 'auto';
    host.addController(this);
  }

  hostConnected(): void {
    if (this.theme !== 'auto') document.documentElement.dataset.theme = this.theme;
  }

  choose(theme: string): void {
    this.theme = theme;
    this.host.requestUpdate();
    localStorage.setItem(THEME_STORAGE_KEY, theme);
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    this.onChange();
  }
}
