/**
 * The user's expression text before and during compilation: its tokens checked against the
 * allow-list, and WGSL compile errors inside it reported against the user's own lines and columns
 * (through the markers of shaders/landscape-expression.wgsl.ts) as LandscapeExpressionError.
 */
import { USER_EXPRESSION_MARKER } from '../../shaders/landscape-expression.wgsl';
import type { LandscapeVariant } from '../../shaders/landscapes.wgsl';
import type { GpuContext } from '../gpu/device';
import { ShaderCompilationError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { LandscapeExpressionError, checkExpressionTokens } from '../core/landscape-expression';
import type { ExpressionSpec } from '../core/landscape';

/** Runs a kernel compile and reports errors inside the user's text against the user's own lines. */
export async function bindWithExpressionErrors(gpu: GpuContext, kernel: KernelSource<LandscapeVariant>, variant: LandscapeVariant, call: Parameters<typeof bindKernel>[3]): Promise<BoundKernel> {
  try {
    return await bindKernel(gpu, kernel, variant, call);
  } catch (error) {
    if (error instanceof ShaderCompilationError && variant.expression) throw expressionCompileError(error, kernel.source(variant), variant);
    throw error;
  }
}

/**
 * Maps the first compile message to the user expression whose lines (or enclosing statement) hold
 * it: line and column count within the user's text. Messages elsewhere keep the generated line.
 */
export function expressionCompileError(error: ShaderCompilationError, source: string, variant: LandscapeVariant): LandscapeExpressionError | ShaderCompilationError {
  const expression = variant.expression!;
  const lines = source.split('\n');
  const regions: { name: string; text: string; start: number; end: number }[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith(USER_EXPRESSION_MARKER)) return;
    const name = line.slice(USER_EXPRESSION_MARKER.length);
    const gradientIndex = /^gradient\[(\d+)\]$/.exec(name)?.[1];
    const text = gradientIndex === undefined ? expression.value : expression.gradient[Number(gradientIndex)]!;
    const start = index + 2; // 1-based line of the text's first line
    regions.push({ name, text, start, end: start + text.split('\n').length - 1 });
  });
  // The compiler says what is wrong; the user also needs to hear what an expression may be.
  const allowed = `each expression is one f32 WGSL expression in x[0] .. x[${variant.dim - 1}]`;
  for (const message of error.messages) {
    const inside = regions.find((r) => message.lineNum >= r.start && message.lineNum <= r.end);
    if (inside) return new LandscapeExpressionError(inside.name, message.lineNum - inside.start + 1, message.linePos, `${message.message.trimEnd()}; ${allowed}`, inside.text);
    // The statement around the text: `return (` / `g[c] = (` two lines above, `);` one line below.
    const around = regions.find((r) => message.lineNum >= r.start - 2 && message.lineNum <= r.end + 1);
    if (around) return new LandscapeExpressionError(around.name, 1, 1, `${message.message.trimEnd()} (the expression as a whole must be an f32); ${allowed}`, around.text);
  }
  return error;
}

/** Checks the value and gradient texts against the allow-list (LandscapeExpressionError on the first bad token). */
export function checkUserText(spec: ExpressionSpec): void {
  checkExpressionTokens('value', spec.value);
  spec.gradient.forEach((text, c) => checkExpressionTokens(`gradient[${c}]`, text));
}
