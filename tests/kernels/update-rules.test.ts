import { describe, expect, it } from 'vitest';
import { updateRulesWgsl } from '../../shaders/update-rules.wgsl';
import { landscapeSchedule } from '../../src/core/landscape';
import { learningRateAt } from '../../src/core/schedule';
import { uniformStruct } from '../../src/core/uniform-struct';
import * as twin from '../../src/float64/update-rules';
import { createStorageBuffer, readFloat32 } from '../../src/gpu/buffers';
import { bindKernel, runKernels, type KernelSource } from '../../src/gpu/kernel';
import { onGpu } from '../helpers/gpu';
import { F32_EPSILON } from '../helpers/tolerance';

/**
 * The shared update-rule functions of shaders/update-rules.wgsl.ts against their float64 twins
 * (src/float64/update-rules.ts) on awkward arguments: cancellation, normalizers below epsilon, an empty
 * AdaGrad sum under a tiny delta0^2, magnitudes near 1e-36 and 1e36, step indices past 2^24.
 *
 * Each function is at most ~6 f32 roundings of + - * / (WGSL: + - * correctly rounded, / within 2.5 ulp)
 * and one sqrt (within ~4.5 ulp, as 1 / inverseSqrt), so its error is at most ~12 eps of the magnitudes
 * it adds (`scale`, the sum of the terms' absolute values; |result| for products and quotients).
 * 16 eps keeps room and is far below what a wrong operand or operation order of a formula would change.
 */
const ULPS = 16;

/** Uniform of the probe kernel: the number of cases. */
const PROBE_PARAMS = uniformStruct('UpdateRulesProbeParams', { case_count: 'u32' });
/** u32 words per case: up to 5 arguments, padded to two vec4u. */
const WORDS_PER_CASE = 8;

interface RuleCase {
  /** WGSL call in a(k) (argument k as f32) and w(k) (argument k as u32). */
  readonly call: string;
  readonly twin: (...args: number[]) => number;
  /** Magnitude the rounding error is relative to. */
  readonly scale: (...args: number[]) => number;
  /** Argument tuples (f32 values, or u32 where the call reads w(k)). */
  readonly cases: readonly (readonly number[])[];
  /** Indices of arguments that are u32 (read with w(k)). */
  readonly integerArguments?: readonly number[];
}

const abs = Math.abs;

const RULES: Record<string, RuleCase> = {
  descent_step: {
    call: 'rule_descent_step(a(0), a(1), a(2))',
    twin: twin.descentStep,
    scale: (theta, lr, d) => abs(theta!) + abs(lr! * d!),
    cases: [[1, 0.1, 3], [1e30, 1e-3, -1e32], [-2.5, 1e-8, 1e-30], [1, 1, 1 - 2 ** -23], [1, 1, 1], [0, 0, 5], [3, 0.7, -1e-36]],
  },
  heavy_ball: {
    call: 'rule_heavy_ball(a(0), a(1), a(2))',
    twin: twin.heavyBall,
    scale: (beta, v, u) => abs(beta! * v!) + abs(u!),
    cases: [[0.9, 1, 2], [0.999, -1e20, 1e20], [0, 5, -3], [0.5, 1e-30, 1e-30], [0.9, 1 / 0.9, -1]],
  },
  nesterov_direction: {
    call: 'rule_nesterov_direction(a(0), a(1), a(2))',
    twin: twin.nesterovDirection,
    scale: (u, beta, v) => abs(u!) + abs(beta! * v!),
    cases: [[2, 0.9, 1], [1e20, 0.999, -1e20], [-3, 0, 5], [1e-30, 0.5, 3e-30]],
  },
  normalized_direction: {
    call: 'rule_normalized_direction(a(0), a(1), a(2))',
    twin: twin.normalizedDirection,
    scale: (u, normalizer, epsilon) => abs(u! / Math.max(normalizer!, epsilon!)),
    // A zero normalizer, one under epsilon, one over it, and huge and tiny ratios.
    cases: [[1, 0, 1e-30], [-3, 2, 1e-30], [1e-20, 1e-25, 1e-12], [5, 1e30, 1e-30], [1e-30, 3e-7, 1e-30]],
  },
  accumulate_square: {
    call: 'rule_accumulate_square(a(0), a(1))',
    twin: twin.accumulateSquare,
    scale: (sum, g) => abs(sum!) + g! * g!,
    cases: [[0, 1e-18], [1e30, 1e5], [3, -2], [0, 1e18], [1e-36, 1e-18], [1, 2 ** -12]],
  },
  adagrad_direction: {
    call: 'rule_adagrad_direction(a(0), a(1), a(2))',
    twin: twin.adagradDirection,
    scale: (u, sum, epsilon) => abs(u! / (Math.sqrt(sum!) + epsilon!)),
    // An empty sum (u / epsilon), sqrt(G) comparable to epsilon, a huge sum.
    cases: [[1, 1, 1e-8], [1e-10, 1e-20, 1e-8], [-5, 0, 1e-8], [3, 9e30, 1e-8], [1e-3, 1e-6, 1e-8]],
  },
  adaptive_norm: {
    call: 'rule_adaptive_norm(a(0), a(1))',
    twin: twin.adaptiveNorm,
    scale: (delta0Squared, sum) => Math.sqrt(delta0Squared! + sum!),
    cases: [[1e-30, 0], [1, 1e30], [0.25, 3], [1e-30, 1e-36], [1e-8, 1e-8]],
  },
  adaptive_step_size: {
    call: 'rule_adaptive_step_size(a(0), a(1), a(2))',
    twin: twin.adaptiveStepSize,
    scale: (alpha, delta0Squared, sum) => abs(alpha! / Math.sqrt(delta0Squared! + sum!)),
    cases: [[0.1, 1e-30, 0], [1, 1, 1e30], [0.5, 0.25, 3], [1e-3, 1e-30, 1e-24]],
  },
  delta0_adagrad_step: {
    call: 'rule_delta0_adagrad_step(a(0), a(1), a(2), a(3))',
    twin: twin.delta0AdagradStep,
    scale: (alpha, g, delta0Squared, sum) => abs((alpha! * g!) / Math.sqrt(delta0Squared! + sum!)),
    // The first step (G = g^2), g = 0, a tiny delta0^2 with a tiny G, a huge gradient.
    cases: [[0.1, 2, 1, 4], [0.5, 0, 1e-30, 0], [1, 1e-15, 1e-30, 1e-30], [0.01, -1e15, 1, 1e30], [0.3, -0.7, 0.25, 0.49]],
  },
  moving_average: {
    call: 'rule_moving_average(a(0), a(1), a(2), a(3))',
    twin: twin.movingAverage,
    scale: (beta, oneMinusBeta, average, u) => abs(beta! * average!) + abs(oneMinusBeta! * u!),
    cases: [[0.9, 0.1, 0, 3], [0.999, 0.001, 1e20, -1e23], [0.9, 0.1, 1, -9], [0.5, 0.5, 1e-30, -1e-30]],
  },
  moving_average_of_square: {
    call: 'rule_moving_average_of_square(a(0), a(1), a(2), a(3))',
    twin: twin.movingAverageOfSquare,
    scale: (beta, oneMinusBeta, average, u) => abs(beta! * average!) + abs(oneMinusBeta! * u! * u!),
    cases: [[0.999, 0.001, 0, 3], [0.999, 0.001, 1e30, -1e15], [0.9, 0.1, 1e-30, 1e-16], [0, 1, 5, 1e18]],
  },
  adam_direction: {
    call: 'rule_adam_direction(a(0), a(1), a(2), a(3), a(4))',
    twin: twin.adamDirection,
    scale: (m, v, c1, c2, epsilon) => abs(m! / c1! / (Math.sqrt(v! / c2!) + epsilon!)),
    // The first step (corrections 1 - beta), v = 0 (m / epsilon), sqrt(v_hat) comparable to epsilon.
    cases: [[0.1, 0.001, 0.1, 0.001, 1e-8], [1e-5, 1e-10, 0.1, 0.001, 1e-8], [-3, 0, 1, 1, 1e-8], [1e-12, 1e-22, 0.19, 0.002, 1e-8], [1e10, 1e25, 1, 1, 1e-8]],
  },
  inverse_sqrt_step_size: {
    call: 'rule_inverse_sqrt_step_size(a(0), w(1))',
    twin: (learningRate, t) => learningRateAt(landscapeSchedule(learningRate!, 'inverse-sqrt'), t!),
    scale: (learningRate, t) => learningRate! / Math.sqrt(t! + 1),
    integerArguments: [1],
    // t = 0, small t, t past 2^24 (f32(t) rounds) and the largest u32 step index.
    cases: [[0.5, 0], [0.5, 3], [1e-3, 2 ** 24 + 1], [2, 2 ** 32 - 1], [1e30, 99]],
  },
};

function probeKernel(call: string): KernelSource<Record<string, never>> {
  return {
    family: 'update-rules-test',
    entryPoint: 'update_rules_probe',
    cacheKey: () => call,
    source: () => `
${PROBE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${PROBE_PARAMS.name};
@group(0) @binding(1) var<storage, read> words: array<u32>;
@group(0) @binding(2) var<storage, read_write> outputs: array<f32>;
${updateRulesWgsl}
@compute @workgroup_size(1)
fn update_rules_probe(@builtin(workgroup_id) workgroup_id: vec3u) {
  let i = workgroup_id.x;
  if (i >= params.case_count) { return; }
  outputs[i] = ${call.replace(/\ba\((\d)\)/g, `bitcast<f32>(words[i * ${WORDS_PER_CASE}u + $1u])`).replace(/\bw\((\d)\)/g, `words[i * ${WORDS_PER_CASE}u + $1u]`)};
}
`,
  };
}

/** The arguments as the kernel reads them: f32 bit patterns, or raw u32 for integer arguments. */
function packCases(rule: RuleCase): { words: Uint32Array; rounded: number[][] } {
  const words = new Uint32Array(rule.cases.length * WORDS_PER_CASE);
  const floats = new Float32Array(words.buffer);
  const rounded = rule.cases.map((args, i) =>
    args.map((value, k) => {
      if (rule.integerArguments?.includes(k)) {
        words[i * WORDS_PER_CASE + k] = value;
        return value;
      }
      floats[i * WORDS_PER_CASE + k] = value;
      return floats[i * WORDS_PER_CASE + k]!;
    }),
  );
  return { words, rounded };
}

async function runRule(name: string, rule: RuleCase): Promise<Float32Array> {
  const { words } = packCases(rule);
  const caseCount = rule.cases.length;
  const label = `update-rules-test/${name}`;
  return await onGpu(label, async (gpu) => {
    const input = createStorageBuffer(gpu, `${label}/words`, words);
    const output = createStorageBuffer(gpu, `${label}/outputs`, caseCount * 4);
    const bound = await bindKernel(gpu, probeKernel(rule.call), {}, { params: PROBE_PARAMS.pack({ case_count: caseCount }), buffers: [input, output], workgroupCount: caseCount });
    await runKernels(gpu, label, [bound]);
    const result = await readFloat32(gpu, output, caseCount);
    bound.destroy();
    input.destroy();
    output.destroy();
    return result;
  });
}

describe('update-rules: the shared WGSL rule functions agree with their float64 twins', () => {
  for (const [name, rule] of Object.entries(RULES)) {
    it(`rule_${name}`, async () => {
      const gpu = await runRule(name, rule);
      const { rounded } = packCases(rule);
      const report: string[] = [];
      rounded.forEach((args, i) => {
        const expected = rule.twin(...args);
        const bound = ULPS * F32_EPSILON * rule.scale(...args);
        expect(Number.isFinite(expected), `${name}(${args.join(', ')}) is finite`).toBe(true);
        if (!(Math.abs(gpu[i]! - expected) <= bound)) report.push(`${name}(${args.join(', ')}): gpu ${gpu[i]}, float64 ${expected}, |diff| ${Math.abs(gpu[i]! - expected)} > ${bound}`);
      });
      expect(report).toEqual([]);
    });
  }
});
