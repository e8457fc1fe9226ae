/**
 * What makes a CLI run durable: its output folder claimed before it starts (src/cli/out-folder.ts), its
 * checkpoints written to disk as it goes (src/cli/checkpoint-file.ts), a signal turned into a stop with a
 * resumable checkpoint (src/cli/interrupts.ts), and its files committed into place in one rename at the end.
 * A failure leaves the folder as it was.
 */
import { relative } from 'node:path';
import type { Checkpoint } from '../core/simulation';
import type { RunOptions } from '../run/run-experiment';
import type { RunLog } from '../run/scheduler';
import { removeCheckpoint, writeCheckpoint, type RunIdentity } from './checkpoint-file';
import { listenForInterrupts, type Interrupts } from './interrupts';
import { claimOutFolder, type ClaimMode, type ClaimedFolder } from './out-folder';

/** A checkpoint reaches the disk at most this often (a stop's always): each write holds every step's loss so far. */
const CHECKPOINT_WRITE_SECONDS = 5;

export interface DurableRun {
  readonly claim: ClaimedFolder;
  readonly interrupts: Interrupts;
  /**
   * The run options that stop on a signal and write `identity`'s checkpoints into the staging folder. `owns`
   * picks the run they belong to when one command runs several (a preset's check: its first run only).
   */
  options(base: RunOptions, identity: RunIdentity, owns?: () => boolean): RunOptions;
  /** True once a signal came: the run stopped early and its checkpoint stays beside its files. */
  readonly interrupted: boolean;
  /**
   * Writes the run's files into the staging folder (`write` returns their paths), drops the checkpoint of a run
   * that finished, and renames the folder into place. Returns the files' final paths and the exit code.
   */
  finish(write: (folder: string) => Promise<string[]>): Promise<{ files: string[]; exitCode: number }>;
}

export async function durably(out: string, mode: ClaimMode, body: (run: DurableRun) => Promise<number>): Promise<number> {
  const claim = await claimOutFolder(out, mode);
  const interrupts = listenForInterrupts();
  let committed = false;
  const run: DurableRun = {
    claim,
    interrupts,
    get interrupted() {
      return interrupts.signal.aborted;
    },
    options(base, identity, owns = () => true) {
      let lastWrite = -Infinity;
      const onCheckpoint = async (checkpoint: Checkpoint<unknown>, log: RunLog) => {
        if (!owns()) return;
        const now = performance.now();
        if (!interrupts.signal.aborted && now - lastWrite < CHECKPOINT_WRITE_SECONDS * 1000) return;
        await writeCheckpoint(claim.staging, identity, checkpoint, log);
        lastWrite = performance.now();
      };
      return { ...base, signal: interrupts.signal, onCheckpoint };
    },
    async finish(write) {
      const written = await write(claim.staging);
      if (!interrupts.signal.aborted) await removeCheckpoint(claim.staging);
      await claim.commit();
      committed = true;
      const files = written.map((file) => `${claim.out}/${relative(claim.staging, file)}`.replace(`${process.cwd()}/`, ''));
      return { files, exitCode: interrupts.exitCode() ?? 0 };
    },
  };
  try {
    return await body(run);
  } catch (error) {
    if (!committed) await claim.abandon();
    throw error;
  } finally {
    interrupts.dispose();
  }
}
