/**
 * The fault suite (issue 14): every hostile input of ./hostile-inputs.ts exits with its code (2: bad input),
 * says what its message fragments say, prints no stack trace, does not hang, and writes nothing.
 *
 * Most cases call the CLI's main() in this process (a child process costs about a second of start-up each);
 * the cases marked `process` run bin/gradflow.js as a user does, proving the exit code the shell sees.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { FOLDER, HOSTILE_INPUTS, type HostileCase } from './hostile-inputs';

/** Bad input is refused before any training: a case still running after this has hung. */
const IN_PROCESS_TIMEOUT_MS = 20_000;
/** A child process also pays Node's and tsx's start-up (about a second, more on a loaded machine). */
const PROCESS_TIMEOUT_MS = 60_000;
const STACK_LINE = /^\s+at \S/m;
/** Scheduler variables the shard cases must not inherit from the machine running the tests. */
const SCHEDULER_VARIABLES = ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_STEP', 'JOB_COMPLETION_INDEX'];

const root = mkdtempSync(join(tmpdir(), 'gradflow-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Prepared {
  readonly folder: string;
  readonly argv: string[];
  readonly env: Record<string, string | undefined>;
  readonly message: (string | RegExp)[];
  /** The folder's files before the run: relative path -> text (FOLDER_MARK for a folder). */
  readonly before: Map<string, string>;
}

const FOLDER_MARK = '<folder>';

/** Every file and folder under `folder`, with each file's text. */
function snapshot(folder: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) {
        entries.set(relative(folder, child), FOLDER_MARK);
        walk(child);
      } else {
        entries.set(relative(folder, child), readFileSync(child, 'latin1'));
      }
    }
  };
  walk(folder);
  return entries;
}

/** The case's folder with its files, and its argv, environment and fragments with `<tmp>` replaced. */
function prepare(testCase: HostileCase, index: number): Prepared {
  const folder = join(root, `case-${index}`);
  mkdirSync(folder);
  const fill = (text: string) => text.replaceAll('<tmp>', folder);
  for (const [path, content] of Object.entries(testCase.files ?? {})) {
    const target = join(folder, path);
    if (content === FOLDER) {
      mkdirSync(target, { recursive: true });
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, fill(content));
    }
  }
  const env = Object.fromEntries([...SCHEDULER_VARIABLES.map((name) => [name, undefined]), ['CI', 'true'], ...Object.entries(testCase.env ?? {}).map(([name, value]) => [name, value === undefined ? undefined : fill(value)])]);
  return {
    folder,
    argv: testCase.argv.map(fill),
    env,
    message: testCase.message.map((fragment) => (typeof fragment === 'string' ? fill(fragment) : fragment)),
    before: snapshot(folder),
  };
}

/** main(argv) in this process, with the console captured. */
async function runInProcess(prepared: Prepared): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const into = (lines: string[]) => (...parts: unknown[]) => void lines.push(parts.map(String).join(' '));
  vi.spyOn(console, 'log').mockImplementation(into(stdout));
  vi.spyOn(console, 'info').mockImplementation(into(stdout));
  vi.spyOn(console, 'error').mockImplementation(into(stderr));
  vi.spyOn(console, 'warn').mockImplementation(into(stderr));
  for (const [name, value] of Object.entries(prepared.env)) vi.stubEnv(name, value);
  const code = await main(prepared.argv);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** bin/gradflow.js as a child process, killed if it outlives the case's time. */
function runAsProcess(prepared: Prepared): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(prepared.env)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/gradflow.js', ...prepared.argv], { env, timeout: PROCESS_TIMEOUT_MS - 5_000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: signal ? null : code, stdout, stderr: signal ? `${stderr}\n(killed by ${signal}: hung)` : stderr }));
  });
}

function expectRefused(testCase: HostileCase, prepared: Prepared, outcome: Outcome): void {
  const shown = `stderr:\n${outcome.stderr}\nstdout:\n${outcome.stdout}`;
  expect(outcome.code, shown).toBe(testCase.code);
  for (const fragment of prepared.message) {
    if (typeof fragment === 'string') expect(outcome.stderr, shown).toContain(fragment);
    else expect(outcome.stderr, shown).toMatch(fragment);
  }
  expect(outcome.stderr, 'a stack trace in stderr').not.toMatch(STACK_LINE);
  expect(outcome.stdout, 'a stack trace in stdout').not.toMatch(STACK_LINE);
  // Nothing written: the folder holds what the case gave it, --out at most a new empty folder.
  const after = snapshot(prepared.folder);
  if (!prepared.before.has('out') && after.get('out') === FOLDER_MARK && ![...after.keys()].some((path) => path.startsWith(`out/`))) after.delete('out');
  expect(Object.fromEntries(after), 'files written').toEqual(Object.fromEntries(prepared.before));
}

const numbered = HOSTILE_INPUTS.map((testCase, index) => ({ testCase, index }));

describe('hostile CLI inputs, in process', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('has at least 100 cases with distinct names', () => {
    expect(HOSTILE_INPUTS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(HOSTILE_INPUTS.map((testCase) => testCase.name)).size).toBe(HOSTILE_INPUTS.length);
  });

  for (const { testCase, index } of numbered) {
    it(testCase.name, async () => {
      const prepared = prepare(testCase, index);
      expectRefused(testCase, prepared, await runInProcess(prepared));
    }, IN_PROCESS_TIMEOUT_MS);
  }
});

describe.concurrent('hostile CLI inputs, as a child process', () => {
  for (const { testCase, index } of numbered.filter(({ testCase }) => testCase.process)) {
    it(testCase.name, async () => {
      const prepared = prepare(testCase, HOSTILE_INPUTS.length + index);
      expectRefused(testCase, prepared, await runAsProcess(prepared));
    }, PROCESS_TIMEOUT_MS);
  }
});
