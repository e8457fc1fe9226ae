/**
 * Issue 14 on landscapes: a config that cannot run is a ConfigError (exit code 2) naming the field, the
 * value and what is allowed, before a device is asked for; a landscape that blows up reports a divergence.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors';
import { parseConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { populationMetrics } from '../../../src/models/landscape/population-metrics';
import { runExperiment } from '../../../src/run/run-experiment';
import type { GpuContext } from '../../../src/gpu/device';
import { getTestGpu } from '../../helpers/gpu';

/** A device factory that fails the test if called: these configs must be refused before any GPU work. */
const noGpu = (): Promise<GpuContext> => Promise.reject(new Error('the device was requested: the config should have been refused first'));

async function refusal(input: ExperimentConfigInput, requestGpu = noGpu): Promise<ConfigError> {
  const error = await runExperiment(parseConfig(input), { requestGpu }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const saddle = (start: object, extra: object = {}): ExperimentConfigInput => ({
  steps: 10,
  backend: 'float64',
  model: { kind: 'landscape', spec: { kind: 'strict-saddle', particleCount: 2, learningRate: 0.1 }, start, ...extra } as never,
});

const expression = (spec: object, backend: 'gpu' | 'float64' = 'gpu'): ExperimentConfigInput => ({
  steps: 10,
  backend,
  model: { kind: 'landscape', spec: { kind: 'expression', particleCount: 4, learningRate: 0.1, ...spec }, start: { point: [0.5, 0.5].slice(0, (spec as { dim: number }).dim) } } as never,
});

describe('landscape inputs that cannot run', () => {
  it('a start point of the wrong dimension names model.start.point, the value given and the landscape\'s k', async () => {
    const error = await refusal(saddle({ point: [1, 2, 3] }));
    expect(error.problems).toEqual(['model.start.point: got [1,2,3] (3 coordinates); the strict-saddle landscape has k = 2, so give 2 coordinates']);
  });

  it('checks start rows, box corners, the target and float32 range too, all at once', async () => {
    const rows = await refusal(saddle({ points: [[1, 2], [1, 2, 3], [4]] }, { target: [0] }));
    expect(rows.problems).toEqual([
      'model.start.points: got 3 rows; give one row per particle (model.spec.particleCount is 2)',
      'model.start.points[1]: got [1,2,3] (3 coordinates); the strict-saddle landscape has k = 2, so give 2 coordinates',
      'model.start.points[2]: got [4] (1 coordinate); the strict-saddle landscape has k = 2, so give 2 coordinates',
      'model.target: got [0] (1 coordinate); the strict-saddle landscape has k = 2, so give 2 coordinates',
    ]);
    const box = await refusal(saddle({ low: [-1], high: [1, 1e39] }));
    expect(box.problems).toEqual([
      'model.start.low: got [-1] (1 coordinate); the strict-saddle landscape has k = 2, so give 2 coordinates',
      'model.start.high[1]: got 1e+39; coordinates must lie within the float32 range (|x| <= 3.4e38)',
    ]);
  });

  it('an expression outside the allow-list names model.spec.value / model.spec.gradient[c], points at the token and says what is allowed', async () => {
    const error = await refusal(expression({ dim: 2, value: 'x[0] * x[0] + foo(x[1])', gradient: ['2.0 * x[0]', 'x[1]; }'] }));
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^model\.spec\.value: line 1, column 15: 'foo' is not allowed: use x\[0\] \.\. x\[k-1\], numbers and the math builtins/);
    expect(error.problems[0]).toContain('x[0] * x[0] + foo(x[1])\n                  ^');
    expect(error.problems[1]).toMatch(/^model\.spec\.gradient\[1\]: line 1, column 5: character ';' is not allowed/);
  });

  it('an expression landscape on the float64 backend names the backend (it has no float64 twin)', async () => {
    const error = await refusal(expression({ dim: 1, value: 'x[0] * x[0]', gradient: ['2.0 * x[0]'] }, 'float64'));
    expect(error.problems).toEqual([expect.stringMatching(/^backend: got 'float64'; an expression landscape runs on the GPU only .*use backend 'gpu'/)]);
  });

  it('a compile error in the expression is a ConfigError at the user\'s field, line and column', async () => {
    // f32 + array has no overload: the compiler's message lands inside gradient[1]'s text.
    const error = await refusal(expression({ dim: 2, value: 'x[0] * x[0]', gradient: ['2.0 * x[0]', '0.0 + x'] }), getTestGpu);
    expect(error.problems).toEqual([expect.stringMatching(/^model\.spec\.gradient\[1\]: line 1, column \d: no matching overload.*; each expression is one f32 WGSL expression in x\[0\] \.\. x\[1\]\n {4}0\.0 \+ x\n/s)]);
  });

  it('a gradient that disagrees with the value names model.spec.gradient[c], its text and model.spec.gradientCheck', async () => {
    const error = await refusal(expression({ dim: 2, value: 'x[0] * x[0] + sin(x[1])', gradient: ['x[0]', 'cos(x[1])'] }), getTestGpu);
    expect(error.problems).toEqual([expect.stringMatching(/^model\.spec\.gradient\[0\]: got "x\[0\]", which is .* where the central difference of model\.spec\.value gives .*set model\.spec\.gradientCheck to 'warn' or 'off'$/)]);
  });
});

describe('a diverging landscape', () => {
  it('reports the divergence: GD at lr 3 on f = x^2 / 2 doubles |x| every step until f overflows (float64, past step 512)', async () => {
    const config = parseConfig({
      steps: 1000,
      backend: 'float64',
      model: { kind: 'landscape', spec: { kind: 'quadratic-sum', curvatures: [1], particleCount: 4, learningRate: 3 }, start: { point: [1] } },
      metrics: { every: 100 },
    });
    const result = await runExperiment(config);
    // x_t = (-2)^t: f = 4^t / 2 is finite at step 500 and Infinity at step 600, the first logged step past 512.
    expect(result.metrics.find((row) => row.step === 500)!.meanValue).toBeLessThan(Infinity);
    expect(result.summary.diverged).toBe(true);
    expect(result.summary.status).toBe('diverged at step 600');
    expect(result.summary.divergedAt).toBe(600);
  });

  it('has no mean value once a particle overflows, even where f stays bounded', () => {
    const model = parseConfig({ model: { kind: 'landscape', spec: { kind: 'expression', dim: 1, value: '0.0', gradient: ['0.0'], particleCount: 2, learningRate: 1 }, start: { point: [0] } } }).model;
    if (model.kind !== 'landscape') throw new Error('a landscape config');
    const state = { positions: [1, Infinity], value: [0, 0], exitStep: [-1, 3], logGrowth: [0, 0] };
    expect(populationMetrics(model, state, 5, ['meanValue']).meanValue).toBeNaN();
    // An infinite f stays what it is.
    expect(populationMetrics(model, { ...state, value: [0, Infinity] }, 5, ['meanValue']).meanValue).toBe(Infinity);
  });

  it('on the GPU: a wrong gradient (unchecked) drives x to Infinity under a constant f, and the run reports the divergence', async () => {
    // f = 0 but g = -x: x <- 2x overflows float32 after 128 steps, while f reads 0 there.
    const config = parseConfig({
      steps: 300,
      model: { kind: 'landscape', spec: { kind: 'expression', dim: 1, value: '0.0', gradient: ['-x[0]'], gradientCheck: 'off', particleCount: 4, learningRate: 1 }, start: { point: [1] } },
      metrics: { every: 100 },
    });
    const result = await runExperiment(config, { requestGpu: getTestGpu });
    expect(result.metrics.find((row) => row.step === 100)!.meanValue).toBe(0);
    expect(result.summary.diverged).toBe(true);
    expect(result.summary.status).toBe('diverged at step 200');
  });
});
