/** The gradflow CLI as a child process (bin/gradflow.js, as a user runs it), blocking or not, with its exit code and output. */
import { spawn, spawnSync } from 'node:child_process';

export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The test's environment without a scheduler's shard variables (the tests set their own), with CI set (no progress bars). */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  for (const name of Object.keys(env)) if (name.startsWith('SLURM_') || name === 'JOB_COMPLETION_INDEX') delete env[name];
  return { ...env, ...extra };
}

export function gradflow(args: readonly string[], env: Record<string, string> = {}): CliOutcome {
  const result = spawnSync(process.execPath, ['bin/gradflow.js', ...args], { encoding: 'utf8', env: environment(env) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI and resolves when it exits, so several can run in parallel. */
export function gradflowAsync(args: readonly string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/gradflow.js', ...args], { env: environment(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
