/**
 * The GPU views' colours, read from the page's theme the way the charts read theirs (chart-theme.ts): the
 * plot's background (cleared on the GPU, so it must be known as numbers), the text and tick colours of the
 * axes drawn over it, and the outline colour of markers that must stand out on that background.
 * Custom properties: --gf-view-bg (else --gf-surface, the page's panel colour, else the charts' background).
 */
import { chartTheme } from './chart-theme';

/** A colour as the GPU clears with it: r, g, b, a in 0..1. */
export interface GpuColour {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

export interface ViewTheme {
  /** Light text on a dark background. */
  readonly dark: boolean;
  /** The plot's background, as CSS and as the GPU clear colour. */
  readonly background: string;
  readonly backgroundGpu: GpuColour;
  /** Text, ticks and outlines (teacher rings) drawn over the background. */
  readonly foreground: string;
  readonly foregroundGpu: GpuColour;
  /** Grid lines and axis frames. */
  readonly grid: string;
}

/** The light theme's colours: what a view uses before it is connected (and what the tests expect by default). */
export const LIGHT_VIEW_THEME: ViewTheme = {
  dark: false,
  background: '#ffffff',
  backgroundGpu: { r: 1, g: 1, b: 1, a: 1 },
  foreground: '#1b1f24',
  foregroundGpu: { r: 0, g: 0, b: 0, a: 1 },
  grid: 'rgba(0, 0, 0, 0.25)',
};

export function viewTheme(element: Element): ViewTheme {
  const style = getComputedStyle(element);
  const custom = (name: string) => style.getPropertyValue(name).trim();
  const chart = chartTheme(element);
  const background = custom('--gf-view-bg') || custom('--gf-surface') || chart.background;
  return {
    dark: chart.dark,
    background,
    backgroundGpu: parseCssColour(background) ?? (chart.dark ? { r: 0.106, g: 0.114, b: 0.129, a: 1 } : LIGHT_VIEW_THEME.backgroundGpu),
    foreground: chart.foreground,
    // Teacher rings were black on white; on a dark background they take the text colour.
    foregroundGpu: chart.dark ? parseCssColour(chart.foreground) ?? { r: 0.9, g: 0.9, b: 0.9, a: 1 } : LIGHT_VIEW_THEME.foregroundGpu,
    grid: chart.dark ? 'rgba(255, 255, 255, 0.3)' : LIGHT_VIEW_THEME.grid,
  };
}

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour (named, #hex, rgb(), hsl()) as 0..1 RGBA, by letting a 1 x 1 canvas paint it; undefined when invalid. */
export function parseCssColour(colour: string): GpuColour | undefined {
  if (!colour || typeof document === 'undefined') return undefined;
  probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!probe) return undefined;
  // An invalid colour leaves fillStyle unchanged: paint a sentinel first to tell the two apart.
  probe.fillStyle = '#010203';
  probe.fillStyle = colour;
  if (probe.fillStyle === '#010203' && !/^#010203$/i.test(colour.trim())) return undefined;
  probe.clearRect(0, 0, 1, 1);
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
  return { r: r! / 255, g: g! / 255, b: b! / 255, a: a! / 255 };
}
