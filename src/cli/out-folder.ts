/**
 * A run's output folder, claimed before the run and filled atomically after it:
 *   - checked before anything runs: a usable path, not a file, not a link to nowhere, empty (or --force / --resume);
 *   - locked: `.<name>.lock` beside it, created exclusively, so a second run into the same folder is refused
 *     while the first runs (a lock whose process is gone is taken over);
 *   - staged: everything (checkpoints included) is written into a unique `.<name>.partial-*` folder beside it,
 *     which is test-written at once and renamed into place at the end, so the folder holds one whole run or
 *     is left as it was. A failure removes the staging folder; a killed process leaves it, and its
 *     checkpoint.json can be resumed (`gradflow run --resume <staging folder>` writes into <name>).
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../config/errors';

/** How an existing, non-empty folder is treated: refused, replaced (--force), or continued (--resume). */
export type ClaimMode = 'new' | 'force' | 'resume';

export interface ClaimedFolder {
  /** Where the run's files go in the end. */
  readonly out: string;
  /** Where they are written meanwhile. */
  readonly staging: string;
  /** Renames the staging folder into place (replacing what was there with --force or --resume), then unlocks. */
  commit(): Promise<void>;
  /** Removes the staging folder and unlocks: nothing of this run is left. */
  abandon(): Promise<void>;
}

const STAGING = /^\.(.+)\.partial-[0-9A-Za-z]+$/;

/** The folder a staging folder stands for (`dir/.name.partial-x` -> `dir/name`); any other folder stands for itself. */
export function finalFolderOf(folder: string): string {
  const match = STAGING.exec(basename(resolve(folder)));
  return match ? join(dirname(resolve(folder)), match[1]!) : folder;
}

export async function claimOutFolder(out: string, mode: ClaimMode, flag = '--out'): Promise<ClaimedFolder> {
  const refuse = (why: string) => new ConfigError([`${flag} ${out === '' ? "''" : out}: ${why}`]);
  if (out.trim() === '') throw refuse("is empty; give a folder to write into, e.g. --out runs/first");
  const path = resolve(out);
  const parent = dirname(path);
  const name = basename(path);
  if (name === '' || name === '.' || name === '..' || path === parent) throw refuse('names no folder of its own; give a folder to write into, e.g. --out runs/first');
  await makeFolder(parent, refuse, path);
  await checkExisting(path, mode, refuse);
  const lock = join(parent, `.${name}.lock`);
  await takeLock(lock, refuse);
  let staging: string;
  try {
    staging = await mkdtemp(join(parent, `.${name}.partial-`));
    // mkdtemp makes it private (0700); the output folder gets the permissions any new folder would.
    await chmod(staging, 0o777 & ~process.umask());
    // Test-write now, not after an hour of training.
    const probe = join(staging, '.probe');
    await writeFile(probe, 'gradflow');
    await rm(probe);
  } catch (error) {
    await rm(lock, { force: true });
    throw refuse(`cannot write beside it in ${parent} (${reason(error as NodeJS.ErrnoException)})`);
  }
  const unlock = () => rm(lock, { force: true });
  return {
    out: path,
    staging,
    async commit() {
      try {
        await moveIntoPlace(staging, path);
      } finally {
        await unlock();
      }
    },
    async abandon() {
      await rm(staging, { recursive: true, force: true });
      await unlock();
    },
  };
}

async function checkExisting(path: string, mode: ClaimMode, refuse: (why: string) => ConfigError): Promise<void> {
  const link = await lstat(path).catch(() => undefined);
  if (!link) return;
  const target = await stat(path).catch(() => undefined);
  if (!target) throw refuse('is a symbolic link to nothing; remove it or choose another folder');
  if (!target.isDirectory()) throw refuse('is a plain file; give a folder to write into (new, empty, or with --force)');
  const entries = await readdir(path).catch((error: NodeJS.ErrnoException) => {
    throw refuse(`cannot be read (${reason(error)})`);
  });
  if (entries.length === 0 || mode !== 'new') return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
  throw refuse(`already holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${shown}); add --force to replace it, --resume to continue an interrupted run, or choose a new folder`);
}

/**
 * mkdir -p that names what is in the way. Not Node's recursive mkdir: under a folder where nothing can be made
 * (/proc/x) it loops forever on ENOENT.
 */
export async function makeFolder(path: string, refuse: (why: string) => ConfigError, target = path): Promise<void> {
  const missing: string[] = [];
  let existing = resolve(path);
  for (;;) {
    const found = await stat(existing).catch((error: NodeJS.ErrnoException) => error);
    if (!(found instanceof Error)) {
      if (!found.isDirectory()) throw refuse(existing === resolve(target) ? 'is a plain file; give a folder' : `lies under ${existing}, which is a file, not a folder`);
      break;
    }
    if (found.code !== 'ENOENT' && found.code !== 'ENOTDIR') throw refuse(`cannot reach ${existing} (${reason(found)})`);
    missing.unshift(existing);
    const up = dirname(existing);
    if (up === existing) break;
    existing = up;
  }
  for (const folder of missing) {
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw refuse(`cannot create ${folder} (${reason(error)})`);
    });
  }
}

export async function takeLock(lock: string, refuse: (why: string) => ConfigError): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw refuse(`cannot write beside it (${reason(error as NodeJS.ErrnoException)})`);
      const owner = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) throw refuse(`another gradflow run (process ${owner}) is writing it; wait for it or choose another folder`);
      if (owner === process.pid) throw refuse('this process is already writing it');
      await rm(lock, { force: true }); // its process is gone: take the lock over
    }
  }
  throw refuse(`could not take its lock ${lock}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** staging -> path; an existing folder at path is moved aside first and removed only once the new one is in place. */
export async function moveIntoPlace(staging: string, path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (!existing) return rename(staging, path);
  if ((await readdir(path)).length === 0) {
    await rmdir(path);
    return rename(staging, path);
  }
  const aside = join(dirname(path), `.${basename(path)}.replaced-${randomBytes(6).toString('hex')}`);
  await rename(path, aside);
  try {
    await rename(staging, path);
  } catch (error) {
    await rename(aside, path); // put the old one back: never leave neither
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

export function reason(error: NodeJS.ErrnoException): string {
  return error.code ?? error.message;
}
