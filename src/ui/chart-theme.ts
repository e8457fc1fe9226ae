/**
 * Chart colours from inherited CSS custom properties, so a page themes every chart at once:
 * --gf-chart-fg, --gf-chart-grid, --gf-chart-bg, --gf-chart-reference, --gf-chart-unconverged,
 * --gf-chart-series-1..8.
 * Unset ones follow the element's text colour: light text means a dark theme.
 */

export interface ChartTheme {
  /** A dark background (light text): colour scales pick their range for it. */
  readonly dark: boolean;
  readonly foreground: string;
  readonly grid: string;
  readonly background: string;
  readonly reference: string;
  /** Outline of the hollow markers on values that did not converge (e.g. a sharpness stopped at its cap). */
  readonly unconverged: string;
  /** The colour of run `index` (the palette repeats after 8). */
  series(index: number): string;
}

/** Eight hues that stay distinct on white and on near-black (Tableau 10, first eight). */
export const LIGHT_PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
export const DARK_PALETTE = ['#6cb4ee', '#ff6b6b', '#6ee07a', '#ffb347', '#c39bff', '#d4a384', '#ff9ee0', '#5fe3f0'];

/** Relative luminance in [0, 1] of a computed `rgb(...)`/`rgba(...)` colour; 0 when unparsable. */
function luminance(color: string): number {
  const match = color.match(/rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/);
  if (!match) return 0;
  const [r, g, b] = match.slice(1, 4).map((v) => Number(v) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function chartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const custom = (name: string) => style.getPropertyValue(name).trim();
  const text = style.color || 'rgb(0, 0, 0)';
  const dark = luminance(custom('--gf-chart-fg') || text) > 0.5;
  const palette = dark ? DARK_PALETTE : LIGHT_PALETTE;
  return {
    dark,
    foreground: custom('--gf-chart-fg') || text,
    grid: custom('--gf-chart-grid') || (dark ? 'rgba(255, 255, 255, 0.14)' : 'rgba(0, 0, 0, 0.1)'),
    background: custom('--gf-chart-bg') || (dark ? '#1b1d21' : '#ffffff'),
    reference: custom('--gf-chart-reference') || (dark ? '#b0b0b0' : '#555555'),
    unconverged: custom('--gf-chart-unconverged') || (dark ? '#a0a0a0' : '#808080'),
    series: (index) => custom(`--gf-chart-series-${(index % palette.length) + 1}`) || palette[index % palette.length]!,
  };
}
