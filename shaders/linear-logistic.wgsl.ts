/**
 * Linear logistic regression without bias (docs/science.md section 6), one thread per run: R independent
 * runs (GD or normalized GD, each with its own learning rate and heavy-ball momentum) share the
 * signed samples s_i = y_i x_i, so z_i = y_i <w, x_i> = <w, s_i>. `linear_logistic_run` loops over
 * `step_count` steps per dispatch; w and v stay in storage (d is a runtime size).
 *
 * Each step works in the log domain, because L underflows float32 once the margin grows:
 *   pass 1  log l_i = log softplus(-z_i);  LSE = log sum_i exp(log l_i)  (online max-shifted sum)
 *   pass 2  v <- beta v - sum_i exp(-softplus(z_i) - offset) s_i
 *           offset = LSE (normalized GD: v accumulates grad L / L = grad log L, the 1/n cancels)
 *           offset = log n (GD: v accumulates grad L = -(1/n) sum_i sigmoid(-z_i) s_i)
 *   update  w <- w - lr v   (rule_descent_step of shaders/update-rules.wgsl.ts)
 * Reference twin: src/float64/linear-logistic.ts.
 *
 * Bindings: @binding(0) LINEAR_LOGISTIC_RUN_PARAMS; signed_samples [n x d] f32 (read), runs [R] RunSettings (read),
 * weights [R x d] f32 (read_write), velocity [R x d] f32 (read_write).
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { updateRulesWgsl } from './update-rules.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type LinearLogisticVariant = Record<string, never>;

/** Below this e, log1p(e) and log(log1p(e)) use their series (log(1 + e) loses digits to the rounding of 1 + e). */
const SERIES_THRESHOLD = 0.03125;

/** Floats per RunSettings struct: learning_rate, momentum, normalized (u32), unused (u32). */
export const RUN_SETTINGS_FLOATS = 4;

/** Uniform of linear_logistic_run: R, n, d, and the steps this dispatch takes. */
export const LINEAR_LOGISTIC_RUN_PARAMS = uniformStruct('LinearLogisticRunParams', { run_count: 'u32', sample_count: 'u32', dim: 'u32', step_count: 'u32' });

export function linearLogisticRunSource(_variant: LinearLogisticVariant): string {
  return wgsl`
${LINEAR_LOGISTIC_RUN_PARAMS.wgsl}
struct RunSettings { learning_rate: f32, momentum: f32, normalized: u32, unused: u32 }
@group(0) @binding(0) var<uniform> params: ${LINEAR_LOGISTIC_RUN_PARAMS.name};
@group(0) @binding(1) var<storage, read> signed_samples: array<f32>;
@group(0) @binding(2) var<storage, read> runs: array<RunSettings>;
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> velocity: array<f32>;
${linearWorkgroupIndex}${updateRulesWgsl}
// log(1 + e) for 0 <= e <= 1: the series e - e^2/2 + e^3/3 - e^4/4 + e^5/5 below the threshold
// (truncation e^6/6, under 2^-24 relative), log(1 + e) above it.
fn log1p_unit(e: f32) -> f32 {
  if (e < ${SERIES_THRESHOLD}) {
    return e * (1.0 - e * (0.5 - e * (1.0 / 3.0 - e * (0.25 - e * 0.2))));
  }
  return log(1.0 + e);
}

// softplus(t) = max(t, 0) + log(1 + exp(-|t|)).
fn softplus(t: f32) -> f32 {
  return max(t, 0.0) + log1p_unit(exp(-abs(t)));
}

// log softplus(t). For e = exp(t) below the threshold: log1p(e) = e (1 - q) with
// q = e/2 - e^2/3 + e^3/4 - e^4/5, so log softplus(t) = t + log(1 - q) = t - q - q^2/2 - q^3/3.
// This is the per-sample log-loss log l_i at t = -z_i, finite for any z_i (about -z_i - exp(-z_i)/2).
fn log_softplus(t: f32) -> f32 {
  let e = exp(min(t, 0.0));
  if (t < 0.0 && e < ${SERIES_THRESHOLD}) {
    let q = e * (0.5 - e * (1.0 / 3.0 - e * (0.25 - e * 0.2)));
    return t - q * (1.0 + q * (0.5 + q / 3.0));
  }
  return log(softplus(t));
}

fn margin_of(run: u32, i: u32) -> f32 {
  var dot = 0.0;
  for (var k = 0u; k < params.dim; k++) {
    dot += weights[run * params.dim + k] * signed_samples[i * params.dim + k];
  }
  return dot;
}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn linear_logistic_run(@builtin(workgroup_id) workgroup_id: vec3u,
                       @builtin(num_workgroups) workgroup_count: vec3u,
                       @builtin(local_invocation_index) local: u32) {
  let run = linear_workgroup_index(workgroup_id, workgroup_count) * ${ELEMENTWISE_WORKGROUP_SIZE}u + local;
  if (run >= params.run_count) { return; }
  let settings = runs[run];
  let n = params.sample_count;
  let d = params.dim;
  for (var t = 0u; t < params.step_count; t++) {
    // Pass 1: LSE_i log l_i by the online max-shifted sum (one read of each z_i).
    var top = -3.4028234663852886e38;
    var sum = 0.0;
    for (var i = 0u; i < n; i++) {
      let log_l = log_softplus(-margin_of(run, i));
      if (log_l > top) {
        sum = sum * exp(top - log_l) + 1.0;
        top = log_l;
      } else {
        sum += exp(log_l - top);
      }
    }
    let lse = top + log(sum);
    let offset = select(log(f32(n)), lse, settings.normalized != 0u);
    // Pass 2: v <- beta v + u with u = grad log L (normalized) or grad L (GD), at the unchanged w. The
    // heavy ball is spelled out, not rule_heavy_ball: u is accumulated into v sample by sample, so
    // (beta v) - c_1 s_1 - c_2 s_2 ... is its own order of f32 operations.
    for (var k = 0u; k < d; k++) { velocity[run * d + k] *= settings.momentum; }
    for (var i = 0u; i < n; i++) {
      let coefficient = exp(-softplus(margin_of(run, i)) - offset);
      for (var k = 0u; k < d; k++) {
        velocity[run * d + k] -= coefficient * signed_samples[i * d + k];
      }
    }
    for (var k = 0u; k < d; k++) {
      weights[run * d + k] = rule_descent_step(weights[run * d + k], settings.learning_rate, velocity[run * d + k]);
    }
  }
}
`;
}
