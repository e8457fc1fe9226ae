/**
 * The PNG of a GPU view as it is on screen: the plot (the GPU frame, read back) with what the element draws around
 * it in the DOM, the SVG overlay (frame, ticks, tick labels, axis titles, colour bar) and the key below, composed on
 * a 2-D canvas at the frame's pixel density. SVG is drawn through an image of its serialized markup (an SVG image
 * without foreignObject leaves the canvas readable); the key's text is drawn with the 2-D canvas's own text, in
 * the font and colour the page gives it. Tool rows (the coordinate picker), the tooltip and status are left out.
 */
import { pixelsToPng, type RgbaPixels } from './gpu-view-helpers';

/** The parts of a view element that the PNG holds, top to bottom: the figure (canvas and overlay) and the key. */
const PART_SELECTORS = ['.figure', '.legend'] as const;
/** Text styles a serialized SVG loses with the shadow root's style sheet, copied onto each of its text elements. */
const TEXT_STYLE_PROPERTIES = ['font-family', 'font-size', 'font-style', 'font-weight'] as const;

/**
 * A PNG data URL of `frame` (drawn in `plotCanvas`) with the overlay and key of `root` around it, over `background`
 * (CSS) where nothing is drawn. Without a figure or key (a bare view), the frame alone.
 */
export async function composedViewPng(root: ParentNode, frame: RgbaPixels, plotCanvas: HTMLCanvasElement, background: string): Promise<string> {
  const parts = PART_SELECTORS.map((selector) => root.querySelector(selector)).filter((part): part is Element => part !== null);
  const plot = plotCanvas.getBoundingClientRect();
  if (parts.length === 0 || frame.width === 0 || plot.width === 0) return pixelsToPng(frame);
  const region = unionRect(parts.map((part) => part.getBoundingClientRect()));
  // Device pixels per CSS pixel of the frame as drawn (devicePixelRatio, rounded to whole pixels by the canvas).
  const ratio = frame.width / plot.width;
  const plotLeft = Math.round((plot.left - region.left) * ratio);
  const plotTop = Math.round((plot.top - region.top) * ratio);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(Math.round(region.width * ratio), plotLeft + frame.width);
  canvas.height = Math.max(Math.round(region.height * ratio), plotTop + frame.height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  // The frame's pixels as they are (putImageData neither blends nor scales).
  context.putImageData(new ImageData(new Uint8ClampedArray(frame.data), frame.width, frame.height), plotLeft, plotTop);
  // Everything else in CSS px of the region.
  context.setTransform(ratio, 0, 0, ratio, -region.left * ratio, -region.top * ratio);
  for (const part of parts) {
    for (const overlay of part.querySelectorAll('svg')) {
      if (overlay.parentElement?.closest('svg')) continue;
      const box = overlay.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      context.drawImage(await svgImage(overlay, box), box.left, box.top, box.width, box.height);
    }
  }
  const key = root.querySelector('.legend');
  if (key) drawText(context, key);
  return canvas.toDataURL('image/png');
}

/** The smallest rectangle holding all of `rects` (client coordinates). */
function unionRect(rects: readonly DOMRect[]): DOMRect {
  const left = Math.min(...rects.map((r) => r.left));
  const top = Math.min(...rects.map((r) => r.top));
  const right = Math.max(...rects.map((r) => r.right));
  const bottom = Math.max(...rects.map((r) => r.bottom));
  return new DOMRect(left, top, right - left, bottom - top);
}

/** An image of `element` (an `<svg>` laid out in `box`): its markup with the text styles its style sheet gave it. */
async function svgImage(element: SVGSVGElement, box: DOMRect): Promise<HTMLImageElement> {
  const copy = element.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('width', String(box.width));
  copy.setAttribute('height', String(box.height));
  const texts = element.querySelectorAll('text');
  copy.querySelectorAll('text').forEach((text, k) => {
    const style = getComputedStyle(texts[k]!);
    for (const property of TEXT_STYLE_PROPERTIES) text.style.setProperty(property, style.getPropertyValue(property));
  });
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`;
  await image.decode();
  return image;
}

/** Draws the text of `container` (outside its SVG icons) where the page lays it out, in its font and colour. */
function drawText(context: CanvasRenderingContext2D, container: Element): void {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const collapsed = (node.textContent ?? '').replace(/\s+/g, ' ');
    if (!parent || !collapsed.trim() || parent.closest('svg')) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(parent);
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    context.fillStyle = style.color;
    context.textAlign = 'left';
    context.textBaseline = 'alphabetic';
    // The layout drops a space at a line's (or flex item's) start or end and keeps one between words of a line: the
    // text as laid out is the version whose width is the box's.
    const text = [collapsed, collapsed.trimStart(), collapsed.trimEnd(), collapsed.trim()]
      .map((candidate) => ({ candidate, misfit: Math.abs(context.measureText(candidate).width - box.width) }))
      .reduce((best, next) => (next.misfit < best.misfit ? next : best)).candidate;
    const metrics = context.measureText(text);
    const lineHeight = metrics.fontBoundingBoxAscent + metrics.fontBoundingBoxDescent;
    context.fillText(text, box.left, box.top + (box.height - lineHeight) / 2 + metrics.fontBoundingBoxAscent);
  }
  range.detach();
}
