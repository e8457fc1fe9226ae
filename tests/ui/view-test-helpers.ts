/** Pixel access for the GPU view elements' tests: decode a toPng() data URL into RGBA bytes. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export async function decodePng(url: string): Promise<Pixels> {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  return { width: image.width, height: image.height, data };
}

/** [r, g, b, a] at the pixel containing (x, y) (column, row from the top). */
export function pixelAt(pixels: Pixels, x: number, y: number): [number, number, number, number] {
  const column = Math.min(pixels.width - 1, Math.max(0, Math.floor(x)));
  const row = Math.min(pixels.height - 1, Math.max(0, Math.floor(y)));
  const i = (row * pixels.width + column) * 4;
  return [pixels.data[i]!, pixels.data[i + 1]!, pixels.data[i + 2]!, pixels.data[i + 3]!];
}

/** Reddish (positive) vs bluish (negative): which channel dominates; 25 of 255 clears 8-bit rounding and the lightest colours checked (|f| = max/4 gives a margin of at least 37). */
export function hue([r, , b]: readonly number[]): 'red' | 'blue' | 'neutral' {
  if (r > b + 25) return 'red';
  if (b > r + 25) return 'blue';
  return 'neutral';
}

/** A fixed-size host for a view element, appended to the body. */
export function mount<T extends HTMLElement>(element: T, width = 96, height = 96): T {
  element.style.width = `${width}px`;
  element.style.height = `${height}px`;
  document.body.append(element);
  return element;
}
