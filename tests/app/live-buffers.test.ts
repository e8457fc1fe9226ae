import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { expandSweep } from '../../src/config/run-set';
import { prepareRunSet } from '../../src/models/run-set/prepare';
import { LiveBuffers } from '../../src/app/live-buffers';
import type { LandscapeState } from '../../src/models/landscape/problem';
import type { Simulation } from '../../src/core/simulation';
import { readFloat32 } from '../../src/gpu/buffers';
import { getTestGpu } from '../helpers/gpu';

/** A small strict-saddle landscape on the GPU; `sweep` makes it a run set. */
function landscapeConfig(sweep?: Record<string, unknown[]>): ExperimentConfigInput {
  return {
    steps: 20,
    model: { kind: 'landscape', spec: { kind: 'strict-saddle', particleCount: 5, learningRate: 0.1, seed: 3 }, start: { low: [-1, -1], high: [1, 1] } },
    metrics: { every: 10, names: ['meanValue'] },
    ...(sweep ? { sweep } : {}),
  } as ExperimentConfigInput;
}

async function simulationOf(input: ExperimentConfigInput): Promise<Simulation<unknown>> {
  const config = parseConfig(input);
  const configs = config.sweep ? expandSweep(config as unknown as Record<string, unknown>, 'test').map((member) => member.config) : [config];
  const prepared = await prepareRunSet(configs);
  return prepared.createSimulation(getTestGpu);
}

const never = () => new Promise<never>(() => {});

describe('LiveBuffers: a landscape run\'s particles for the views', () => {
  it('a single GPU landscape run: member 0 is its live positions [P x k] and stats [P x 4], current after each chunk; a new simulation is a new source', async () => {
    const simulation = await simulationOf(landscapeConfig());
    const live = new LiveBuffers(undefined, never);
    expect(live.landscapeMember(0)).toBeUndefined();
    expect(live.follow(simulation)).toBe(true);
    expect(live.follow(simulation)).toBe(false);
    const particles = live.landscapeMember(0)!;
    expect(live.landscapeMember(1)).toBeUndefined();
    expect(live.member(0, false)).toBeUndefined();
    await simulation.submitSteps(10);
    const gpu = await getTestGpu();
    const weights = (await simulation.readWeights()) as LandscapeState;
    expect(Array.from(await readFloat32(gpu, particles.positions, 10))).toEqual(Array.from(weights.positions));
    expect(Array.from(await readFloat32(gpu, particles.stats, 20))).toEqual(Array.from(weights.stats));
    const next = await simulationOf(landscapeConfig());
    expect(live.follow(next)).toBe(true);
    expect(live.landscapeMember(0)!.positions).not.toBe(particles.positions);
    live.destroy();
    expect(live.landscapeMember(0)).toBeUndefined();
    simulation.destroy();
    next.destroy();
  });

  it('a run set of landscape members: each member\'s own buffers (members step on their own, not in lanes)', async () => {
    const simulation = await simulationOf(landscapeConfig({ 'model.spec.optimizer': ['gd', 'adagrad'] }));
    const live = new LiveBuffers(undefined, never);
    expect(live.follow(simulation)).toBe(true);
    await simulation.submitSteps(10);
    const gpu = await getTestGpu();
    const weights = (await simulation.readWeights()) as LandscapeState[];
    for (const k of [0, 1]) {
      const particles = live.landscapeMember(k)!;
      expect(Array.from(await readFloat32(gpu, particles.positions, 10)), `member ${k}`).toEqual(Array.from(weights[k]!.positions));
    }
    // GD and AdaGrad moved the same starts differently: two buffers, not one.
    expect(weights[0]!.positions).not.toEqual(weights[1]!.positions);
    expect(live.landscapeMember(2)).toBeUndefined();
    live.destroy();
    simulation.destroy();
  });
});
