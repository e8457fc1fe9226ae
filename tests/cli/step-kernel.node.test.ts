/** result.json and the CLI's summary line say how the GPU dispatched a run's steps (kernels.step; the kernels round differently). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradflow } from './cli-process';

const tiny = {
  name: 'tiny', steps: 20, seed: 3, backend: 'gpu',
  model: { width: 16, scaling: 'ntk', bias: true },
  data: { kind: 'teacher-student', sampleCount: 16, testCount: 0, inputDim: 3, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.1 },
  metrics: { every: 10, names: ['loss'] },
};

describe('the step kernel in the run summary', () => {
  const work = mkdtempSync(join(tmpdir(), 'gradflow-step-kernel-'));
  const run = (name: string, config: object) => {
    const path = join(work, `${name}.json`);
    writeFileSync(path, JSON.stringify(config));
    const outcome = gradflow(['run', path, '--out', join(work, name)]);
    expect(outcome.code, outcome.stderr).toBe(0);
    return { stdout: outcome.stdout, summary: JSON.parse(readFileSync(join(work, name, 'result.json'), 'utf8')).summary };
  };

  it("names the kernel 'auto' picked (multi-step for a small GD step on SwiftShader), or the one the config forces", () => {
    const auto = run('auto', tiny);
    expect(auto.summary.stepKernel).toBe('multi-step');
    expect(auto.stdout).toMatch(/on gpu \(.*, multi-step step\)/);
    const unfused = run('unfused', { ...tiny, kernels: { step: 'unfused' } });
    expect(unfused.summary.stepKernel).toBe('unfused');
    // An optimizer rule leaves 'auto' no choice but the unfused step.
    expect(run('momentum', { ...tiny, optimizer: { learningRate: 0.05, rule: { kind: 'momentum', beta: 0.9 } } }).summary.stepKernel).toBe('unfused');
    // The float64 backend has no step kernel.
    expect(run('float64', { ...tiny, backend: 'float64' }).summary.stepKernel).toBeUndefined();
  });

  it('gives each member of a run set its own: a lane of small GD members, and a member with momentum alone', () => {
    const path = join(work, 'set.json');
    // data.seed fixed: a run set's members share their data, while the run's seed moves their initial weights.
    const data = { ...tiny.data, seed: 9 };
    writeFileSync(path, JSON.stringify({ ...tiny, data, sweep: { seed: [1, 2], 'optimizer.rule': [{ kind: 'gd' }, { kind: 'momentum', beta: 0.9 }] } }));
    const outcome = gradflow(['run', path, '--out', join(work, 'set')]);
    expect(outcome.code, outcome.stderr).toBe(0);
    const kernels = [0, 1, 2, 3].map((k) => JSON.parse(readFileSync(join(work, 'set', `member-${k}`, 'result.json'), 'utf8')).summary.stepKernel);
    expect(kernels.sort()).toEqual(['multi-step', 'multi-step', 'unfused', 'unfused']);
  });
});
