/**
 * Sharded sweeps as a scheduler runs them: shards in parallel child processes taking their shard from the
 * environment (`--shard auto`: a Slurm job array, a Kubernetes Indexed Job), merged back into the table of the
 * unsharded sweep; the cluster example's Slurm script end to end (with a stand-in sbatch); `--shard auto` errors.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors';
import { resolveShard } from '../../src/cli/shard';
import { gradflow, gradflowAsync } from './cli-process';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const EXAMPLE = 'examples/cluster/sweep.json';
const POINTS = 16;

describe('sharded sweeps', () => {
  const work = mkdtempSync(join(tmpdir(), 'gradflow-shards-'));
  let whole: { summary: { sweepId: string; pointCount: number }; rows: { index: number }[] };

  beforeAll(() => {
    const run = gradflow(['sweep', EXAMPLE, '--backend', 'float64', '--out', join(work, 'whole')]);
    expect(run.code, run.stderr).toBe(0);
    whole = readJson(join(work, 'whole', 'sweep.json'));
    expect(whole.rows.map((row) => row.index)).toEqual([...Array(POINTS).keys()]);
  });

  it('runs three Slurm array tasks in parallel (SLURM_ARRAY_TASK_ID / _COUNT) and merges their folders into the unsharded table', async () => {
    const folders = [0, 1, 2].map((k) => join(work, `slurm-${k}`));
    const shards = await Promise.all(
      folders.map((out, k) => gradflowAsync(['sweep', EXAMPLE, '--backend', 'float64', '--shard', 'auto', '--out', out], { SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_COUNT: '3' })),
    );
    shards.forEach((shard, k) => {
      expect(shard.code, shard.stderr).toBe(0);
      const mine = [...Array(POINTS).keys()].filter((index) => index % 3 === k);
      expect(shard.stdout).toMatch(new RegExp(`shard ${k}/3: ${mine.length} points`));
      const table = readJson(join(folders[k]!, `shard-${k}-of-3.json`));
      expect(table.summary).toMatchObject({ sweepId: whole.summary.sweepId, pointCount: POINTS, shard: { index: k, count: 3 }, status: 'done', points: mine });
      expect(table.summary.batches.flatMap((batch: { points: number[] }) => batch.points).sort((a: number, b: number) => a - b)).toEqual(mine);
      expect(readdirSync(folders[k]!).filter((name) => name.startsWith('point-')).sort()).toEqual(mine.map((index) => `point-${index}`).sort());
      expect(existsSync(join(folders[k]!, 'sweep.json'))).toBe(false);
    });
    const merged = gradflow(['merge', ...folders, '--out', join(work, 'slurm-merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/merged 16 of 16 points of sweep [0-9a-f]{12} from 3 shards/);
    const table = readJson(join(work, 'slurm-merged', 'sweep.json'));
    expect(table.rows).toEqual(whole.rows);
    expect(table.summary).toMatchObject({ sweepId: whole.summary.sweepId, pointCount: POINTS, missing: [], points: [...Array(POINTS).keys()] });
    expect(table.summary.shards.map((shard: { index: number; count: number }) => `${shard.index}/${shard.count}`)).toEqual(['0/3', '1/3', '2/3']);
    expect(readFileSync(join(work, 'slurm-merged', 'sweep.csv'), 'utf8')).toBe(readFileSync(join(work, 'whole', 'sweep.csv'), 'utf8'));
  });

  it('runs an Indexed Job (JOB_COMPLETION_INDEX with --shards 3) into one shared folder and merges that folder', async () => {
    const shared = join(work, 'indexed');
    const shards = await Promise.all(
      [0, 1, 2].map((k) => gradflowAsync(['sweep', EXAMPLE, '--backend', 'float64', '--shard', 'auto', '--shards', '3', '--out', shared], { JOB_COMPLETION_INDEX: String(k) })),
    );
    for (const shard of shards) expect(shard.code, shard.stderr).toBe(0);
    expect(readdirSync(shared).filter((name) => name.startsWith('shard-')).sort()).toEqual(['shard-0-of-3.csv', 'shard-0-of-3.json', 'shard-1-of-3.csv', 'shard-1-of-3.json', 'shard-2-of-3.csv', 'shard-2-of-3.json']);
    const merged = gradflow(['merge', shared, '--out', shared]);
    expect(merged.code, merged.stderr).toBe(0);
    const table = readJson(join(shared, 'sweep.json'));
    expect(table.rows).toEqual(whole.rows);
    expect(table.summary.sweepId).toBe(whole.summary.sweepId);
  });

  it("runs the cluster example's Slurm script: an array of shards, then a merge job that depends on it", () => {
    // A stand-in sbatch: runs the array's tasks one after another (with the variables Slurm sets), then the merge.
    const bin = join(work, 'bin');
    const log = join(work, 'sbatch.log');
    const sbatch = `#!/bin/bash
echo "sbatch $*" >> "${log}"
array=""; exports=""; args=()
for a in "$@"; do case "$a" in --array=*) array=\${a#--array=} ;; --export=*) exports=\${a#--export=} ;; --*) ;; *) args+=("$a") ;; esac; done
IFS=, read -ra pairs <<< "$exports"; envs=(); for p in "\${pairs[@]}"; do [[ $p == ALL ]] || envs+=("$p"); done
if [[ -n $array ]]; then lo=\${array%-*}; hi=\${array#*-}
  for ((i = lo; i <= hi; i++)); do env "\${envs[@]}" SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=$((hi - lo + 1)) SLURM_ARRAY_TASK_MIN=$lo bash "\${args[@]}" >> "${log}.out" 2>&1 || exit 1; done
else env "\${envs[@]}" bash "\${args[@]}" >> "${log}.out" 2>&1 || exit 1; fi
echo "4242;cluster"
`;
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'sbatch'), sbatch);
    chmodSync(join(bin, 'sbatch'), 0o755);
    const out = join(work, 'slurm-script');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, SHARDS: '2', OUT: out, npm_config_offline: 'true' };
    for (const name of Object.keys(env)) if (name.startsWith('SLURM_') || name === 'JOB_COMPLETION_INDEX') delete env[name];
    const submitted = spawnSync('bash', ['examples/cluster/sweep.slurm'], { encoding: 'utf8', env });
    expect(submitted.status, `${submitted.stderr}\n${existsSync(`${log}.out`) ? readFileSync(`${log}.out`, 'utf8') : ''}`).toBe(0);
    expect(submitted.stdout).toMatch(/submitted array job 4242 \(2 shards of examples\/cluster\/sweep\.json\) and merge job 4242/);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toMatch(/^sbatch --parsable --array=0-1 .*examples\/cluster\/sweep\.slurm$/);
    expect(calls[1]).toMatch(/^sbatch --parsable .*--dependency=afterok:4242 .*examples\/cluster\/sweep\.slurm merge$/);
    expect(readJson(join(out, 'sweep.json')).rows).toEqual(whole.rows);
  });

  it('--shard auto reads the scheduler variables and names the variable and value when they are missing or inconsistent', () => {
    expect(resolveShard({ shard: 'auto' }, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(resolveShard({ shard: 'auto' }, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 2, count: 4 });
    expect(resolveShard({ shard: 'auto' }, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' })).toEqual({ index: 2, count: 3 });
    expect(resolveShard({ shard: 'auto', shards: '4' }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 0, count: 4 });
    expect(resolveShard({ shard: 'auto', shards: '5' }, { JOB_COMPLETION_INDEX: '4' })).toEqual({ index: 4, count: 5 });
    expect(resolveShard({ shard: '1/3' }, {})).toEqual({ index: 1, count: 3 });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '3' })).toEqual({ index: 0, count: 1 });

    const error = (flags: { shard?: string; shards?: string }, env: NodeJS.ProcessEnv) => {
      try {
        resolveShard(flags, env);
      } catch (caught) {
        expect(caught).toBeInstanceOf(ConfigError);
        return (caught as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(error({ shard: 'auto' }, {})).toMatch(/neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX .* is set/);
    expect(error({ shard: 'auto' }, { SLURM_ARRAY_TASK_ID: '1' })).toMatch(/SLURM_ARRAY_TASK_ID=1 is set but SLURM_ARRAY_TASK_COUNT is not/);
    expect(error({ shard: 'auto' }, { SLURM_ARRAY_TASK_ID: 'x1', SLURM_ARRAY_TASK_COUNT: '2' })).toMatch(/SLURM_ARRAY_TASK_ID="x1" is not a whole number/);
    expect(error({ shard: 'auto' }, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3' })).toMatch(/SLURM_ARRAY_TASK_ID=3 gives shard 3 .* but SLURM_ARRAY_TASK_COUNT=3 allows 0\.\.2/);
    expect(error({ shard: 'auto' }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' })).toMatch(/SLURM_ARRAY_TASK_ID=0 is not SLURM_ARRAY_TASK_MIN=1 plus a multiple of SLURM_ARRAY_TASK_STEP=1/);
    expect(error({ shard: 'auto', shards: '2' }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' })).toMatch(/--shards 2 disagrees with SLURM_ARRAY_TASK_COUNT=3/);
    expect(error({ shard: 'auto' }, { JOB_COMPLETION_INDEX: '2' })).toMatch(/JOB_COMPLETION_INDEX=2 is set but --shards N is missing/);
    expect(error({ shard: 'auto', shards: '2' }, { JOB_COMPLETION_INDEX: '2' })).toMatch(/JOB_COMPLETION_INDEX=2 is not below --shards 2/);
    expect(error({ shard: 'auto', shards: 'two' }, { JOB_COMPLETION_INDEX: '0' })).toMatch(/--shards: got "two"; expected the number of shards/);
    expect(error({ shard: 'auto' }, { JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '0' })).toMatch(/both SLURM_ARRAY_TASK_ID=0 and JOB_COMPLETION_INDEX=0 are set/);
    expect(error({ shard: '3/3' }, {})).toMatch(/--shard: got "3\/3"; expected k\/N with 0 <= k < N/);
    expect(error({ shards: '3' }, {})).toMatch(/--shards 3: goes with --shard auto/);
    expect(error({ shard: '1/3', shards: '4' }, {})).toMatch(/--shards 4 disagrees with --shard 1\/3/);

    // As the command line reports it: exit code 2, the variable named, nothing written.
    const out = join(work, 'never');
    const cli = gradflow(['sweep', EXAMPLE, '--backend', 'float64', '--shard', 'auto', '--out', out], { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '3' });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/SLURM_ARRAY_TASK_ID=5 gives shard 5/);
    expect(existsSync(out)).toBe(false);
  });
});
