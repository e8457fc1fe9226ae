/**
 * The layering check (.dependency-cruiser.cjs, run by `npm run layers` inside `npm test`) must fail on
 * what it forbids: an import from a lower floor to a higher one, a folder without a floor, and a cycle.
 * One small tree holds a case per import; it is cruised once with the project's own rules.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const TREE: Record<string, string> = {
  // Down the floors: allowed.
  'src/core/scaling.ts': 'export const SCALE = 1;\n',
  'src/kernels/matmul.ts': "import { SCALE } from '../core/scaling';\nexport const M = SCALE;\n",
  'src/models/two-layer/trainer.ts': "import { M } from '../../kernels/matmul';\nexport interface Trainer { step(): void }\nexport const T = M;\n",
  // Up the floors, type-only.
  'src/core/conventions.ts': "import type { Trainer } from '../models/two-layer/trainer';\nexport type T = Trainer;\n",
  // Sideways: src/gpu may not read src/data though both sit on one floor.
  'src/gpu/device.ts': "import { X } from '../data/set';\nexport const D = X;\n",
  'src/data/set.ts': 'export const X = 1;\n',
  // A folder the table does not know.
  'src/extras/helper.ts': "import { SCALE } from '../core/scaling';\nexport const H = SCALE;\n",
  // A cycle inside one folder.
  'src/run/a.ts': "import { B } from './b';\nexport const A = () => B;\n",
  'src/run/b.ts': "import { A } from './a';\nexport const B = () => A;\n",
};

let violations: { rule: string; from: string }[] = [];
const work = mkdtempSync(join(tmpdir(), 'gradflow-floors-'));

beforeAll(() => {
  for (const [path, text] of Object.entries(TREE)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  copyFileSync(join(root, '.dependency-cruiser.cjs'), join(work, '.dependency-cruiser.cjs'));
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'bundler', strict: true } }));
  let output: string;
  try {
    output = execFileSync(join(root, 'node_modules/.bin/depcruise'), ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: work, encoding: 'utf8' });
  } catch (error) {
    output = (error as { stdout: string }).stdout; // depcruise exits non-zero when a rule is broken
  }
  const report = JSON.parse(output) as { summary: { violations: { rule: { name: string }; from: string }[] } };
  violations = report.summary.violations.map(({ rule, from }) => ({ rule: rule.name, from }));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const brokenFrom = (file: string) => violations.filter((v) => v.from === file).map((v) => v.rule);

describe('the layering check', () => {
  it('passes imports that go down the floors', () => {
    expect(brokenFrom('src/kernels/matmul.ts')).toEqual([]);
    expect(brokenFrom('src/models/two-layer/trainer.ts')).toEqual([]);
  });

  it('fails an import from a lower floor to a higher one, type-only imports included', () => {
    expect(brokenFrom('src/core/conventions.ts')).toEqual(['floor:src/core']);
  });

  it('fails an import between folders of one floor that the table does not list', () => {
    expect(brokenFrom('src/gpu/device.ts')).toEqual(['floor:src/gpu']);
  });

  it('fails a source folder without a floor', () => {
    expect(brokenFrom('src/extras/helper.ts')).toEqual(['unknown-folder']);
  });

  it('fails an import cycle, even inside one folder', () => {
    expect([...brokenFrom('src/run/a.ts'), ...brokenFrom('src/run/b.ts')]).toContain('no-circular');
  });

  it('reports nothing else', () => {
    const offenders = new Set(violations.map((v) => v.from));
    expect([...offenders].sort()).toEqual(['src/core/conventions.ts', 'src/extras/helper.ts', 'src/gpu/device.ts', ...[...offenders].filter((f) => f.startsWith('src/run/'))].sort());
    expect([...offenders].some((f) => f.startsWith('src/run/'))).toBe(true);
  });
});
