import { describe, expect, it } from 'vitest';
import { TrainingSession } from '../../src/app/training-session';
import { runSetMetricsCsv, runSetResultJson } from '../../src/app/run-set-files';
import { parseConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { runExperiment } from '../../src/run/run-experiment';
import type { JsonWeights } from '../../src/models/two-layer/init-file';
import { getTestGpu } from '../helpers/gpu';

const base: ExperimentConfigInput = {
  steps: 30,
  stepsPerSubmit: 8,
  model: { width: 12, scaling: 'ntk' },
  data: { kind: 'teacher-student', seed: 3, sampleCount: 24, testCount: 8, inputDim: 2, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.4 },
  metrics: { every: 10, names: ['loss', 'testLoss', 'gradNorm'] },
};
/** Three members, one per width. */
const config = parseConfig({ ...base, sweep: { 'model.width': [6, 12, 20] } });
const pace = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('training session of a run set (a config with a sweep block)', () => {
  it('trains every member live, each exactly as it runs alone, with its own rows, losses and live buffers', async () => {
    const session = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 5, pace });
    expect(session.isSet).toBe(true);
    expect(session.members.map((member) => member.label)).toEqual(['width=6', 'width=12', 'width=20']);
    const seen = new Set<number>();
    session.addEventListener('metrics', (event) => seen.add((event as CustomEvent & { member: number }).member));
    let sources = 0;
    session.addEventListener('source', () => sources++);
    await session.start();
    expect(session.status).toBe('completed');
    expect([...seen].sort()).toEqual([0, 1, 2]);
    for (const member of session.members) {
      const alone = await runExperiment(member.config, { requestGpu: getTestGpu });
      expect(member.stepLosses, `member ${member.label}`).toEqual(alone.stepLosses);
      expect(member.rows, `member ${member.label}`).toEqual(alone.metrics);
      expect(member.result?.summary.status).toBe('completed');
      const live = session.memberLive(member.index)!;
      const width = member.config.model.kind === 'two-layer' ? member.config.model.width : 0;
      expect(live.W.size).toBe(width * 2 * 4);
      expect(live.problem.trainer.width).toBe(width);
    }
    expect(sources).toBeGreaterThanOrEqual(2); // the set's simulation, then the members' problems
    expect(session.rows).toBe(session.members[0]!.rows);
    expect(session.stepsTaken).toBe(30);

    const params = (await session.parameters()) as { members: { label: string; overrides: Record<string, unknown>; parameters: JsonWeights }[] };
    expect(params.members.map((member) => member.parameters.a.length)).toEqual([6, 12, 20]);
    expect(params.members[2]!.overrides).toEqual({ 'model.width': 20 });

    // result.json carries the sweep and every member's result; metrics.csv every member's rows with its swept values.
    const result = JSON.parse(runSetResultJson(session.setSnapshot()));
    expect(result.config.sweep).toEqual({ 'model.width': [6, 12, 20] });
    expect(result.summary).toMatchObject({ memberCount: 3, stepsTaken: 30, status: 'completed', diverged: false });
    expect(result.members).toHaveLength(3);
    expect(result.members[1]).toMatchObject({ index: 1, label: 'width=12', overrides: { 'model.width': 12 }, config: { model: { width: 12 } } });
    expect(result.members[1].config).not.toHaveProperty('sweep');
    expect(result.members[1].metrics).toEqual(session.members[1]!.rows);
    expect(result.members[1].stepLosses).toHaveLength(30);
    const csv = runSetMetricsCsv(session.members).trim().split('\n');
    expect(csv[0]).toBe('step,member,model.width,loss,gradNorm,testLoss');
    expect(csv).toHaveLength(1 + 3 * 4);
    expect(csv[5]!.startsWith('0,1,12,')).toBe(true);
    await session.destroy();
  });

  it('pauses, steps and stops every member together, takes a live rate, and refuses a live batch-size change', async () => {
    const session = new TrainingSession({ ...config, steps: 10_000 }, { requestGpu: getTestGpu, stepsPerFrame: 4, pace, startPaused: true, stopBelowLoss: 1e-12 });
    const done = session.start();
    await expect.poll(() => session.status).toBe('paused');
    session.stepOnce();
    await expect.poll(() => session.members.every((member) => member.stepLosses.length === 1)).toBe(true);
    session.setLearningRate(0.2);
    expect(session.learningRate).toBe(0.2);
    await expect(session.setBatchSize(8)).rejects.toThrow(/restarts/);
    session.resume();
    await expect.poll(() => session.stepsTaken).toBeGreaterThan(8);
    session.stop();
    await done;
    expect(session.status).toBe('stopped');
    const lengths = session.members.map((member) => member.stepLosses.length);
    expect(new Set(lengths).size).toBe(1);
    expect(session.setSnapshot().summary.status).toMatch(/^stopped at step \d+/);
    await session.destroy();
  });

  it('reports the members that diverged while the others finish', async () => {
    const wild = parseConfig({ ...base, steps: 200, model: { width: 8, scaling: 'standard' }, sweep: { 'optimizer.learningRate': [0.01, 60] } });
    const session = new TrainingSession(wild, { requestGpu: getTestGpu, stepsPerFrame: 8, pace });
    await session.start();
    expect(session.status).toBe('completed');
    expect(session.divergedMembers.map((member) => member.label)).toEqual(['learningRate=60']);
    expect(session.message).toMatch(/completed; 1 of 2 members diverged \(learningRate=60\)/);
    expect(session.members[0]!.stepLosses).toHaveLength(200);
    await session.destroy();
  });
});
