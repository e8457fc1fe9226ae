/**
 * Margin maximization (docs/science.md section 6, seed 000): logistic regression on separable data, GD
 * against normalized GD, the gap gamma* - gamma(w_t) on log axes.
 */
import type { MetricsRow } from '../../core/simulation';
import type { Preset } from '../preset';
import { logLogSlope } from '../../metrics/log-log-slope';

const GD_LEARNING_RATE = 4;
const NGD_LEARNING_RATE = 1;
/**
 * Thresholds from the rates, with margin. NGD: gamma* - gamma = O(1/t) (Ji and Telgarsky 2021), a
 * log-log slope of -1 up to log factors: require <= -0.7. GD: O(1/log t) (Soudry et al. 2018), whose
 * local log-log slope -1/log(lr t) tends to 0 (about -0.1 at lr t = 4e4; pre-asymptotic terms make the
 * measured one steeper): require >= -0.5, i.e. clearly slower than any power t^-0.5. Same step count:
 * NGD's final gap at least 10x below GD's.
 */
const NGD_MAX_SLOPE = -0.7;
const GD_MIN_SLOPE = -0.5;
const MIN_GAP_RATIO = 10;
/**
 * The two runs, one run set: the optimizer whole per member, since GD and NGD differ in rule and lr together (one
 * grid path cannot pair them).
 */
const GD_OPTIMIZER = { rule: 'gd', learningRate: GD_LEARNING_RATE } as const;
const NGD_OPTIMIZER = { rule: 'normalized-gd', learningRate: NGD_LEARNING_RATE } as const;

/** The late part of a run: logged steps t >= steps / LATE_FRACTION_DIVISOR. */
const LATE_FRACTION_DIVISOR = 10;

/** Least-squares slope of log(marginGap) against log(t) over the late logged steps (gaps must be positive). */
export function lateLogLogSlope(rows: readonly MetricsRow[], steps: number): number {
  const late = rows.filter((row) => row.step >= steps / LATE_FRACTION_DIVISOR && row.step > 0);
  const gaps = late.map((row) => row.marginGap!);
  if (late.length < 3 || gaps.some((gap) => !(gap > 0) || !Number.isFinite(gap))) return NaN;
  return logLogSlope(late.map((row) => row.step), gaps);
}

export const MARGIN_PRESETS: readonly Preset[] = [
  {
    name: 'margin-rates',
    summary: 'Logistic regression on separable data: the margin gap closes like 1/log t under GD, like 1/t under normalized GD',
    explanation:
      'Linear logistic regression f(x) = <w, x> (no bias) from w = 0 on 64 separable points on the unit sphere in d = 5 (docs/science.md section 6, seed 000). ' +
      'GD converges in direction to the hard-margin SVM, but slowly: gamma* - gamma(w_t) = O(1/log t) (Soudry et al. 2018). ' +
      'Normalized GD, w <- w - lr grad L / L (computed in the log domain, since L underflows float32 within a few thousand steps), closes the gap like O(1/t) (Ji and Telgarsky 2021). ' +
      'Plot marginGap on log-log axes for both runs: GD flattens, NGD follows a line of slope -1. gamma* comes from a float64 dual coordinate-ascent solve of the no-intercept hard SVM. ' +
      'GD runs at lr = 4 = 1/beta (the loss is beta = 1/4 smooth for |x| <= 1), NGD at lr = 1: the config is a run set of these two members, trained together.',
    config: {
      name: 'margin-rates',
      seed: 1,
      steps: 30000,
      loss: 'logistic',
      model: { kind: 'linear', logging: 'log', pointsPerDecade: 10 },
      data: { kind: 'linear-separable', sampleCount: 64, inputDim: 5, inputs: 'sphere', margin: 0.1 },
      optimizer: GD_OPTIMIZER,
      sweep: { optimizer: [GD_OPTIMIZER, NGD_OPTIMIZER] },
      metrics: { names: ['loss', 'logLoss', 'margin', 'marginGap', 'weightNorm'] },
    },
    reduced: ['steps=8000'],
    plots: ['marginGap', 'margin', 'logLoss', 'weightNorm'],
    async check(context) {
      const members = await context.runSet();
      const memberWith = (rule: string) => {
        const member = members.find((candidate) => (candidate.overrides.optimizer as { rule: string }).rule === rule);
        if (!member) throw new Error(`margin-rates: no member with optimizer.rule=${rule}`);
        return member.result;
      };
      const gd = memberWith(GD_OPTIMIZER.rule);
      const ngd = memberWith(NGD_OPTIMIZER.rule);
      const steps = gd.config.steps;
      const gdSlope = lateLogLogSlope(gd.metrics, steps);
      const ngdSlope = lateLogLogSlope(ngd.metrics, steps);
      const gdGap = gd.metrics.at(-1)!.marginGap!;
      const ngdGap = ngd.metrics.at(-1)!.marginGap!;
      const ratio = gdGap / ngdGap;
      // Both members report the set's wall time (they step together), hence one setSeconds.
      return {
        passed: gdSlope >= GD_MIN_SLOPE && ngdSlope <= NGD_MAX_SLOPE && ngdGap > 0 && ratio >= MIN_GAP_RATIO,
        claim:
          `over t in [T/${LATE_FRACTION_DIVISOR}, T], log(gamma* - gamma) vs log t: GD slope >= ${GD_MIN_SLOPE} (1/log t), ` +
          `NGD slope <= ${NGD_MAX_SLOPE} (1/t), NGD's final gap >= ${MIN_GAP_RATIO}x smaller than GD's at T = ${steps}`,
        measured: { gdSlope, ngdSlope, gdGap, ngdGap, gapRatio: ratio, gammaStar: gd.metrics.at(-1)!.margin! + gdGap, setSeconds: gd.summary.wallSeconds },
      };
    },
  },
];
