/**
 * Writes a file whole or not at all: into a temporary name unique to this write (two writers never share
 * one), then renamed over the target. A failed write (a full disk) removes its temporary file.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * What writeFileAtomically appends to a file's name while it writes (pid, 12 hex digits): a folder another
 * process writes into holds such names for a moment.
 */
export const ATOMIC_TEMPORARY_SUFFIX = String.raw`\.\d+-[0-9a-f]{12}\.partial`;

export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.partial`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
