/**
 * The landscape run's input checks that the config schema cannot make, because they depend on the
 * landscape's dimension k, the backend or the user's expression text. The kind runs them when it
 * prepares a run, and maps the GPU's verdicts on an expression (compile errors, the gradient check)
 * the same way: each is a ConfigError (exit code 2) naming the field, the value and what is allowed.
 */
import type { ExperimentConfig } from '../../config/schema';
import type { LandscapeModel } from '../../config/model-kinds';
import { ConfigError } from '../../config/errors';
import { curvatureCells, type LandscapeSpec } from '../../core/landscape';
import { checkExpressionTokens, LandscapeExpressionError, pointAt } from '../../core/landscape-expression';
import { GradientCheckError } from '../../kernels/landscape-gradient-check';
import { pointProblem, startProblems } from './problem';

/** Where the landscape spec sits in a config (src/config/model-kinds.ts): errors name fields from here. */
const SPEC_FIELD = 'model.spec';

/** A user-expression error as a ConfigError naming its config field (model.spec.value, model.spec.gradient[c]). */
export function expressionConfigError(error: LandscapeExpressionError): ConfigError {
  return new ConfigError([`${SPEC_FIELD}.${error.expression}: line ${error.line}, column ${error.column}: ${error.problem}\n${pointAt(error.text, error.line, error.column)}`]);
}

/**
 * An error from building a landscape on the GPU, as the input error it is when the user's expression
 * caused it (it does not compile, or its gradient disagrees with its value); any other error unchanged.
 */
export function asInputError(error: unknown, spec: LandscapeSpec): unknown {
  if (error instanceof LandscapeExpressionError) return expressionConfigError(error);
  if (error instanceof GradientCheckError && spec.kind === 'expression') {
    const { report } = error;
    const first = report.mismatches[0]!;
    const field = `${SPEC_FIELD}.gradient[${first.coordinate}]`;
    return new ConfigError([
      `${field}: got ${JSON.stringify(spec.gradient[first.coordinate])}, which is ${first.analytic} at x = (${first.point.join(', ')}) where the central difference of ${SPEC_FIELD}.value gives ${first.finiteDifference} ` +
        `(allowed difference ${first.allowed.toExponential(2)}; ${report.mismatches.length} of ${report.comparedCount} coordinates disagree); ` +
        `give the derivative of the value, or set ${SPEC_FIELD}.gradientCheck to 'warn' or 'off'`,
    ]);
  }
  return error;
}

/** The problems of a user expression's text (the first bad token of each), before any GPU sees it. */
function expressionProblems(spec: Extract<LandscapeSpec, { kind: 'expression' }>): string[] {
  const texts: [string, string][] = [['value', spec.value], ...spec.gradient.map((text, c): [string, string] => [`gradient[${c}]`, text])];
  const problems: string[] = [];
  for (const [name, text] of texts) {
    try {
      checkExpressionTokens(name, text);
    } catch (error) {
      if (!(error instanceof LandscapeExpressionError)) throw error;
      problems.push(...expressionConfigError(error).problems);
    }
  }
  return problems;
}

/** Numbers the GPU uploads as float32: beyond its range they would arrive as Infinity. */
function float32Problems(spec: LandscapeSpec): string[] {
  const problems: string[] = [];
  const beyond = (value: number) => !Number.isFinite(Math.fround(value));
  if (beyond(spec.learningRate)) problems.push(`${SPEC_FIELD}.learningRate: got ${spec.learningRate}; it must lie within the float32 range (<= 3.4e38)`);
  if (spec.kind === 'quadratic-sum') {
    curvatureCells(spec.curvatures).forEach((cell, c) => {
      const i = cell.findIndex(beyond);
      if (i >= 0) problems.push(`${SPEC_FIELD}.curvatures: got ${cell[i]} (cell ${c}, curvature ${i}); curvatures must lie within the float32 range (|a| <= 3.4e38)`);
    });
  }
  return problems;
}

/** Throws a ConfigError listing every problem of a landscape config that only k, the backend or the text reveal. */
export function checkLandscapeConfig(config: ExperimentConfig, model: LandscapeModel): void {
  const spec = model.spec;
  const problems = float32Problems(spec);
  if (spec.kind === 'expression') {
    if (config.backend === 'float64') {
      problems.push(`backend: got 'float64'; an expression landscape runs on the GPU only (its value and gradient are WGSL text, which has no float64 twin): use backend 'gpu'`);
    }
    problems.push(...expressionProblems(spec));
  }
  problems.push(...startProblems(model));
  // Without this a target of the wrong length would be compared on the coordinates the two share.
  const target = model.target && pointProblem('model.target', model.target, model);
  if (target) problems.push(target);
  if (problems.length > 0) throw new ConfigError(problems);
}
