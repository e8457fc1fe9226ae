/**
 * The expression landscape's user text in WGSL: f and its gradient spliced in as written, each text
 * on lines of its own after USER_EXPRESSION_MARKER, so the wrapper can map compile errors back to the
 * user's own lines (src/kernels/landscape-expression-errors.ts). Used by both kernels of the family.
 */

export interface LandscapeExpressionText {
  /** f(x): one WGSL f32 expression in x[0] .. x[k-1]. */
  readonly value: string;
  /** d f / d x[c], one expression per coordinate. */
  readonly gradient: readonly string[];
}

/** Marker before each user expression; the wrapper maps compile errors through it. */
export const USER_EXPRESSION_MARKER = '// user expression: ';

/** The user's f and gradient, each on lines of its own after a marker, starting at column 1. */
export function userExpressionFunctions(k: number, expression: LandscapeExpressionText): string {
  const gradient = expression.gradient
    .map((text, c) => `  g[${c}] = (\n${USER_EXPRESSION_MARKER}gradient[${c}]\n${text}\n  );`)
    .join('\n');
  return /* wgsl */ `
fn user_value(x: array<f32, ${k}>) -> f32 {
  return (
${USER_EXPRESSION_MARKER}value
${expression.value}
  );
}
fn user_gradient(x: array<f32, ${k}>) -> array<f32, ${k}> {
  var g: array<f32, ${k}>;
${gradient}
  return g;
}
`;
}
