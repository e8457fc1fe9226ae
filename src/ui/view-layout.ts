/**
 * Where a view's plot sits in its element: margins for the tick labels and axis titles (left, bottom),
 * for a colour bar (right), and the compact case of a small view (a run set's small multiples, thumbnails)
 * where the plot takes the whole element and no axes are drawn.
 */

/** A rectangle in CSS pixels, relative to the figure (the element's drawing area). */
export interface PlotRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface PlotLayout {
  /** No room for axes: the plot fills the figure, nothing is drawn around it. */
  readonly compact: boolean;
  readonly plot: PlotRect;
}

/** Below either size (CSS px) the figure is compact: tick labels would take more room than the plot. */
export const COMPACT_WIDTH_PX = 220;
export const COMPACT_HEIGHT_PX = 160;

/** Margins: tick labels (about five characters of 11 px) plus the axis title beside them. */
const MARGIN = { left: 52, bottom: 38, top: 8, right: 12 } as const;

/**
 * The plot's rectangle in a figure of `width` x `height` CSS px, with `extraRight` px more on the right (a colour bar).
 * The figure is what the element leaves once the key below it has its real, wrapped height (view-frame.ts), so a
 * key of three rows makes the figure shorter, possibly compact: the axes are only ever drawn inside the figure.
 */
export function plotLayout(width: number, height: number, extraRight = 0): PlotLayout {
  if (width < COMPACT_WIDTH_PX || height < COMPACT_HEIGHT_PX) return { compact: true, plot: { left: 0, top: 0, width: Math.max(0, width), height: Math.max(0, height) } };
  return {
    compact: false,
    plot: {
      left: MARGIN.left,
      top: MARGIN.top,
      width: Math.max(1, width - MARGIN.left - MARGIN.right - extraRight),
      height: Math.max(1, height - MARGIN.top - MARGIN.bottom),
    },
  };
}

/** The plot's rectangle when axes fit around it in a figure of `width` x `height` CSS px; undefined: draw the plot alone, filling the figure. */
export function framedPlot(width: number, height: number, extraRight = 0): PlotRect | undefined {
  if (!(width > 0 && height > 0)) return undefined;
  const layout = plotLayout(width, height, extraRight);
  return layout.compact ? undefined : layout.plot;
}
