/**
 * How large a text file GradFlow reads whole (data CSVs, configs, init files): checked from the file's
 * size before reading, so an oversized file is an input error that says so, not V8's "Invalid string
 * length" from deep inside the read.
 */
import { DataFileError } from './errors';

const MIB = 2 ** 20;

/**
 * 256 MiB. V8 caps a string at 2^29 - 24 UTF-16 units (buffer.constants.MAX_STRING_LENGTH, 512 MiB of
 * one-byte text), so no larger file can become one string at all. Half of that because parsing holds the
 * text, its lines and fields and the float64 table at once, a few times the file's size: at 256 MiB a CSV
 * run peaks near 1-2 GiB of memory, which a laptop still has.
 */
export const MAX_TEXT_FILE_BYTES = 256 * MIB;

/** Throws DataFileError (naming the file, its size and the limit) when `byteLength` is over MAX_TEXT_FILE_BYTES. */
export function checkTextFileSize(path: string, byteLength: number): void {
  if (byteLength <= MAX_TEXT_FILE_BYTES) return;
  throw new DataFileError(
    path,
    1,
    1,
    `the file is ${(byteLength / MIB).toFixed(1)} MiB (${byteLength} bytes), over the ${MAX_TEXT_FILE_BYTES / MIB} MiB limit on files read whole ` +
      `(a JavaScript string holds at most 512 MiB, and parsing needs a few times the file's size); use a subset of the rows or fewer digits per value`,
  );
}
