/** How preflight messages (preflight.ts) name an estimated array: its sizing fields and values, its bytes, the remedy. */
import type { BufferEstimate } from '../footprint';

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Bytes in binary units, as adapters state their limits: '128 MiB', '22.4 GiB'. */
export function formatBytes(byteLength: number): string {
  let value = byteLength;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
  return `${shown} ${UNITS[unit]}`;
}

/**
 * 'model.width 1000000000 x data.inputDim 2 x 4 bytes = 7.5 GiB for the first-layer weights W': the product that
 * sizes the array (a constant multiplier first, copies last unless `oneArray`), its bytes and what it holds.
 */
export function describeArray(buffer: BufferEstimate, oneArray = false): string {
  const parts = buffer.factors.map((factor) => `${factor.field} ${factor.value}`);
  if (buffer.scale !== 1) parts.unshift(String(buffer.scale));
  parts.push(`${buffer.bytesPerElement} bytes`);
  const copies = oneArray ? 1 : buffer.copies;
  if (copies > 1) parts.push(`${copies} copies`);
  return `${parts.join(' x ')} = ${formatBytes(buffer.elementCount * buffer.bytesPerElement * copies)} for ${buffer.what}`;
}

/** The config fields that shrink the arrays, in order of first mention: the remedy's 'lower model.width or data.inputDim'. */
export function remedyFields(buffers: readonly BufferEstimate[]): string[] {
  const fields = buffers.flatMap((buffer) => buffer.factors.flatMap((factor) => factor.setBy ?? [factor.field]));
  return [...new Set(fields)];
}

/** '; lower a or b' (nothing when no config field sizes them: a file's rows). */
export function remedy(buffers: readonly BufferEstimate[], extra?: string): string {
  const fields = remedyFields(buffers);
  const options = [...(fields.length > 0 ? [`lower ${fields.join(' or ')}`] : []), ...(extra ? [extra] : [])];
  return options.length > 0 ? `; ${options.join(', or ')}` : '';
}
