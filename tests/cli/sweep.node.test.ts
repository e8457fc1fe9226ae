/** gradflow sweep: points grouped into run sets (or one by one with --no-batch), the sweep's own table, and bad input. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradflow } from './cli-process';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

const tiny = {
  name: 'tiny',
  steps: 20,
  seed: 5,
  model: { width: 16, scaling: 'ntk', bias: true },
  data: { kind: 'teacher-student', sampleCount: 16, testCount: 8, inputDim: 3, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.1 },
  metrics: { every: 5, names: ['loss', 'testLoss', 'gradNorm'] },
};

/** Every lane is ascending, and the lanes together hold the batch's points once each. */
function expectPartition(batch: { points: number[]; lanes: number[][] }) {
  for (const lane of batch.lanes) expect(lane).toEqual([...lane].sort((a, b) => a - b));
  expect(batch.lanes.flat().sort((a, b) => a - b)).toEqual(batch.points);
}

describe('gradflow sweep', () => {
  const work = mkdtempSync(join(tmpdir(), 'gradflow-sweep-'));

  it('runs batchable points as run sets on the GPU, bit for bit what --no-batch gives, and says how it grouped them', () => {
    const basePath = join(work, 'gpu-base.json');
    writeFileSync(basePath, JSON.stringify({ ...tiny, backend: 'gpu' }));
    const sweepPath = join(work, 'gpu-sweep.json');
    // data.inputDim changes the data: two run sets of 8. Widths, rates and the SGD batch size (4 of n = 16) vary within a set.
    const grid = { 'data.inputDim': [2, 3], 'model.width': [8, 16], 'optimizer.learningRate': [0.05, 0.1], 'optimizer.batchSize': [16, 4] };
    writeFileSync(sweepPath, JSON.stringify({ base: basePath, grid }));
    const batched = gradflow(['sweep', sweepPath, '--out', join(work, 'batched')]);
    expect(batched.code, batched.stderr).toBe(0);
    expect(batched.stdout).toMatch(/shard 0\/1: 16 points in 2 batches/);
    expect(batched.stderr).toMatch(/^batch 1\/2: points 0, 1, 2, 3, 4, 5, 6, 7 as one run set$/m);
    const single = gradflow(['sweep', sweepPath, '--no-batch', '--out', join(work, 'single')]);
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toMatch(/shard 0\/1: 16 points in 16 batches \(16 lanes\)/);

    for (let index = 0; index < 16; index++) {
      const a = readJson(join(work, 'batched', `point-${index}`, 'result.json'));
      const b = readJson(join(work, 'single', `point-${index}`, 'result.json'));
      expect(a.summary.backend).toBe('gpu');
      expect(a.stepLosses).toHaveLength(20);
      expect(a.stepLosses, `point ${index}`).toEqual(b.stepLosses);
      expect(a.metrics, `point ${index}`).toEqual(b.metrics);
      expect(a.config).toEqual(b.config);
      expect(readFileSync(join(work, 'batched', `point-${index}`, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(work, 'single', `point-${index}`, 'metrics.csv'), 'utf8'));
      const point = readJson(join(work, 'batched', `point-${index}`, 'sweep-point.json'));
      expect(point).toMatchObject({ index, pointCount: 16 });
      expect(point.sweepId).toMatch(/^[0-9a-f]{64}$/);
    }

    const table = readJson(join(work, 'batched', 'sweep.json'));
    const singleTable = readJson(join(work, 'single', 'sweep.json'));
    expect(table.rows).toEqual(singleTable.rows);
    expect(table.rows).toHaveLength(16);
    expect(table.rows[13]).toMatchObject({ index: 13, 'data.inputDim': 3, 'model.width': 16, 'optimizer.learningRate': 0.05, 'optimizer.batchSize': 4, status: 'completed', step: 20 });
    expect(Object.keys(table.rows[0]).slice(0, 6)).toEqual(['index', 'data.inputDim', 'model.width', 'optimizer.learningRate', 'optimizer.batchSize', 'status']);
    expect(table.summary).toMatchObject({ pointCount: 16, shard: { index: 0, count: 1 }, status: 'done', batched: true, points: [...Array(16).keys()] });
    expect(table.summary.sweepId).toBe(singleTable.summary.sweepId);
    expect(table.summary.wallSeconds).toBeGreaterThan(0);
    expect(table.summary.batches.map((batch: { points: number[] }) => batch.points)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [8, 9, 10, 11, 12, 13, 14, 15],
    ]);
    for (const batch of table.summary.batches) expectPartition(batch);
    // Lanes (src/models/two-layer/lanes.ts): at d = 2 every run steps alone (first_layer_grad); at d = 3 the full-batch GD
    // points (batchSize 16 = n) share a lane per width, and the SGD points (batchSize 4) step alone.
    expect(table.summary.batches[0].lanes).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
    expect(table.summary.batches[1].lanes).toEqual([[8, 10], [9], [11], [12, 14], [13], [15]]);
    expect(singleTable.summary.batched).toBe(false);
    expect(singleTable.summary.batches).toEqual([...Array(16).keys()].map((index) => ({ points: [index], lanes: [[index]] })));
    // The shard's own table is the same one.
    expect(readJson(join(work, 'batched', 'shard-0-of-1.json'))).toEqual(table);
    const csv = readFileSync(join(work, 'batched', 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('index,data.inputDim,model.width,optimizer.learningRate,optimizer.batchSize,status,step,loss,gradNorm,testLoss');
    expect(csv).toHaveLength(17);
  });

  it('validates every point before running any: a bad grid value exits 2 naming the point, the field and the value', () => {
    const basePath = join(work, 'base.json');
    writeFileSync(basePath, JSON.stringify({ ...tiny, backend: 'float64', steps: 3 }));
    const sweepPath = join(work, 'bad-sweep.json');
    writeFileSync(sweepPath, JSON.stringify({ base: basePath, grid: { 'model.width': [4, 0] } }));
    const out = join(work, 'never');
    const bad = gradflow(['sweep', sweepPath, '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/point 1 \(model\.width=0\)/);
    expect(bad.stderr).toMatch(/model\.width: got 0/);
    expect(existsSync(out)).toBe(false);

    writeFileSync(sweepPath, JSON.stringify({ base: basePath, grid: { 'model.width': [] } }));
    const empty = gradflow(['sweep', sweepPath]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/grid\.model\.width: got \[\]; .*a sweep file is/);

    writeFileSync(sweepPath, JSON.stringify({ base: basePath, grids: {} }));
    expect(gradflow(['sweep', sweepPath]).stderr).toMatch(/grid: .*expected record/i);

    const nested = join(work, 'nested.json');
    writeFileSync(nested, JSON.stringify({ ...tiny, sweep: { 'model.width': [4, 8] } }));
    writeFileSync(sweepPath, JSON.stringify({ base: nested, grid: { seed: [1, 2] } }));
    const withBlock = gradflow(['sweep', sweepPath]);
    expect(withBlock.code).toBe(2);
    expect(withBlock.stderr).toMatch(/base: .*nested\.json" carries its own sweep block/);

    writeFileSync(join(work, 'a-file'), 'x');
    writeFileSync(sweepPath, JSON.stringify({ base: basePath, grid: { 'model.width': [4] } }));
    const fileOut = gradflow(['sweep', sweepPath, '--out', join(work, 'a-file')]);
    expect(fileOut.code).toBe(2);
    expect(fileOut.stderr).toMatch(/--out .*a-file: is a plain file/);
  });

  it('runs a config with a sweep block as one run set: member folders and sweep.json, each member what it gives alone', () => {
    const configPath = join(work, 'set.json');
    writeFileSync(configPath, JSON.stringify({ ...tiny, backend: 'float64', steps: 10, sweep: { 'model.width': [4, 8], 'optimizer.learningRate': [0.05, 0.2] } }));
    const out = join(work, 'set-out');
    const set = gradflow(['run', configPath, '--out', out, '--set', 'metrics.every=2']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^member 3 model\.width=8, optimizer\.learningRate=0\.2:$/m);
    expect(set.stdout).toMatch(/^ {2}tiny: completed after 10 steps on float64/m);
    const table = readJson(join(out, 'sweep.json'));
    expect(table.rows.map((row: { index: number }) => row.index)).toEqual([0, 1, 2, 3]);
    expect(table.rows[2]).toMatchObject({ 'model.width': 8, 'optimizer.learningRate': 0.05, status: 'completed', step: 10 });
    expect(table.summary).toMatchObject({ pointCount: 4, status: 'done', batches: [{ points: [0, 1, 2, 3], lanes: [[0], [1], [2], [3]] }], overrides: ['metrics.every=2'] });
    expect(existsSync(join(out, 'sweep.csv'))).toBe(true);
    expect(existsSync(join(out, 'member-0', 'metrics.csv'))).toBe(true);
    const member = readJson(join(out, 'member-3', 'result.json'));
    expect(member.config.model.width).toBe(8);
    expect(member.config.sweep).toBeUndefined();
    expect(member.metrics.map((row: { step: number }) => row.step)).toEqual([0, 2, 4, 6, 8, 10]);

    const alonePath = join(work, 'alone.json');
    writeFileSync(alonePath, JSON.stringify({ ...tiny, backend: 'float64', steps: 10 }));
    const alone = gradflow(['run', alonePath, '--out', join(work, 'alone'), '--set', 'metrics.every=2', '--set', 'model.width=8', '--set', 'optimizer.learningRate=0.2']);
    expect(alone.code).toBe(0);
    const aloneResult = readJson(join(work, 'alone', 'result.json'));
    expect(member.stepLosses).toEqual(aloneResult.stepLosses);
    expect(member.metrics).toEqual(aloneResult.metrics);

    // A grid over a field the members must share, and a bad member value, exit 2 and name the field.
    writeFileSync(configPath, JSON.stringify({ ...tiny, backend: 'float64', sweep: { 'data.sampleCount': [8, 16] } }));
    const shared = gradflow(['run', configPath, '--out', join(work, 'no-set')]);
    expect(shared.code).toBe(2);
    expect(shared.stderr).toMatch(/sweep: data must be the same for every member of a run set/);
    writeFileSync(configPath, JSON.stringify({ ...tiny, backend: 'float64', sweep: { 'model.width': [4, -1] } }));
    const badMember = gradflow(['run', configPath, '--out', join(work, 'no-set')]);
    expect(badMember.code).toBe(2);
    expect(badMember.stderr).toMatch(/sweep point model\.width=-1/);
    expect(badMember.stderr).toMatch(/model\.width: got -1/);
    expect(existsSync(join(work, 'no-set'))).toBe(false);
  });
});
