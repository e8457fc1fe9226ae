/**
 * Points drawn on the input plane, carried in the data path itself: `drawn.csv:<code>`. A link keeps the
 * config's data path, so a link (or a result.json) of a drawn run holds its points and reproduces the run in
 * any tab, where an uploaded file, kept only in the tab that uploaded it, cannot travel.
 *
 * The code: 4 bytes a point, big-endian, base64url without padding. Bit 30 is the label (set: y = -1), bits
 * 29..15 and 14..0 are x0 and x1 in units of 1e-4 (the CSV's 4 decimals) offset by 2^14, so |x| <= 1.6383
 * (the drawing box is +-1.5). About 5.3 characters a point: 100 points are a 540-character link. Deflate
 * would not shorten it: clicks are close to uniform in the box, 31 bits each.
 */

export interface DrawnPoint {
  readonly x: number;
  readonly y: number;
  /** +1 or -1. */
  readonly label: number;
}

/** The data path of drawn points: a name (as an upload has) followed by the points' code. */
export const DRAWN_PREFIX = 'drawn.csv:';

/** Coordinates are kept to 1e-4, as the CSV writes them. */
const UNITS_PER_ONE = 10_000;
const OFFSET = 1 << 14;
const MAX_UNITS = (1 << 15) - 1;
/** The largest |coordinate| the code holds (1.6383). */
export const MAX_DRAWN_COORDINATE = (MAX_UNITS - OFFSET) / UNITS_PER_ONE;
const LABEL_BIT = 1 << 30;
const BYTES_PER_POINT = 4;

/** A drawn path that cannot be read: says what is wrong and what to do. */
export class DrawnPathError extends Error {
  override name = 'DrawnPathError';
}

export const isDrawnPath = (path: string): boolean => path.startsWith(DRAWN_PREFIX);

/** The data path that holds `points` (RangeError for a coordinate beyond +-MAX_DRAWN_COORDINATE or a label not +-1). */
export function drawnPath(points: readonly DrawnPoint[]): string {
  const bytes = new Uint8Array(points.length * BYTES_PER_POINT);
  const view = new DataView(bytes.buffer);
  points.forEach((point, i) => {
    if (point.label !== 1 && point.label !== -1) throw new RangeError(`drawn point ${i + 1}: label must be +1 or -1, got ${point.label}`);
    const word = (point.label < 0 ? LABEL_BIT : 0) | (units(point.x, i) << 15) | units(point.y, i);
    view.setUint32(i * BYTES_PER_POINT, word);
  });
  return `${DRAWN_PREFIX}${toBase64Url(bytes)}`;
}

/** The points a drawn path holds, coordinates to 1e-4 (DrawnPathError for a damaged code). */
export function drawnPoints(path: string): DrawnPoint[] {
  if (!isDrawnPath(path)) throw new DrawnPathError(`'${path.slice(0, 40)}' is not a drawn-points path (${DRAWN_PREFIX}...)`);
  const bytes = fromBase64Url(path.slice(DRAWN_PREFIX.length));
  if (bytes.length % BYTES_PER_POINT !== 0) throw new DrawnPathError(`the drawn points in the data path are cut short (${bytes.length} bytes, not a multiple of ${BYTES_PER_POINT}): copy the whole link again`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / BYTES_PER_POINT }, (_, i) => {
    const word = view.getUint32(i * BYTES_PER_POINT);
    return { x: coordinate((word >>> 15) & MAX_UNITS), y: coordinate(word & MAX_UNITS), label: word & LABEL_BIT ? -1 : 1 };
  });
}

/** The points as a CSV with header x0,x1,y, coordinates to 4 decimals. */
export function pointsCsv(points: readonly DrawnPoint[]): string {
  return `x0,x1,y\n${points.map((p) => `${p.x.toFixed(4)},${p.y.toFixed(4)},${p.label}`).join('\n')}\n`;
}

function units(value: number, index: number): number {
  const scaled = Math.round(value * UNITS_PER_ONE) + OFFSET;
  if (!(scaled >= 0 && scaled <= MAX_UNITS)) throw new RangeError(`drawn point ${index + 1}: ${value} is outside +-${MAX_DRAWN_COORDINATE}`);
  return scaled;
}

/** Units back to a coordinate; rounding to 4 decimals drops the binary fraction's noise (-0.75, not -0.7500000000000001). */
const coordinate = (scaled: number): number => Number(((scaled - OFFSET) / UNITS_PER_ONE).toFixed(4));

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(code: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(code)) throw new DrawnPathError('the drawn points in the data path hold characters base64url has not: copy the whole link again');
  let binary: string;
  try {
    binary = atob(code.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new DrawnPathError(`the drawn points in the data path are cut short (${code.length} characters): copy the whole link again`);
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
