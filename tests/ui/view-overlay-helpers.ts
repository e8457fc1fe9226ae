/** What the view elements' overlay tests share: the page's dark theme, pixel boxes, the SVG overlay's ticks and titles. */
import { pixelAt, type Pixels } from './view-test-helpers';

/**
 * The page's dark theme as index.html sets it (light text, dark panel colour under data-theme="dark"), switched
 * on after the views are on the page, as the app's theme picker does; returns the switch back.
 */
export function switchToDarkTheme(): () => void {
  const style = document.createElement('style');
  style.textContent = `:root[data-theme='dark'] { color: rgb(230, 232, 235); --gf-surface: #1a1e24; }`;
  document.head.append(style);
  document.documentElement.dataset.theme = 'dark';
  return () => {
    delete document.documentElement.dataset.theme;
    style.remove();
  };
}

/** Bounding box [minColumn, minRow, maxColumn, maxRow] of the pixels that pass `test`, or undefined when none do. */
export function pixelBox(pixels: Pixels, test: (rgba: [number, number, number, number]) => boolean): [number, number, number, number] | undefined {
  let box: [number, number, number, number] | undefined;
  for (let row = 0; row < pixels.height; row++) {
    for (let column = 0; column < pixels.width; column++) {
      if (!test(pixelAt(pixels, column, row))) continue;
      box = box ? [Math.min(box[0], column), Math.min(box[1], row), Math.max(box[2], column), Math.max(box[3], row)] : [column, row, column, row];
    }
  }
  return box;
}

/** The tick labels of an axis ('x-axis', 'y-axis' or 'colour-bar') of a view's SVG overlay: value and position (CSS px in the figure). */
export function overlayTicks(element: Element, axis: 'x-axis' | 'y-axis' | 'colour-bar'): { value: number; x: number; y: number }[] {
  return [...element.shadowRoot!.querySelectorAll(`svg.axes .${axis} text.tick`)].map((text) => ({
    value: Number(text.textContent),
    x: Number(text.getAttribute('x')),
    y: Number(text.getAttribute('y')),
  }));
}

/** The overlay's axis titles [x, y]. */
export function overlayLabels(element: Element): [string, string] {
  const text = (selector: string) => element.shadowRoot!.querySelector(`svg.axes ${selector}`)?.textContent ?? '';
  return [text('.x-label'), text('.y-label')];
}
