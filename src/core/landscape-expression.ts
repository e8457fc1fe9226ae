/**
 * Checks a user-written WGSL expression (the 'expression' landscape) before it reaches a shader:
 * only numbers, operators, parentheses, `x[...]` and an allow-list of math builtins may appear. So
 * the text cannot declare, assign, call anything else or break out of its function (no `;`, `{`,
 * `}`, `@`, `:`), and it carries no hash sign the WGSL preprocessor would read as a directive.
 * What passes is compiled; compile errors are reported against the user's own lines and columns.
 */

/**
 * Thrown for a bad user expression; `line` and `column` (1-based) point into the user's text. The parts
 * stay apart so a caller that knows where the spec sits in its config (src/models/landscape) can name
 * the field, e.g. model.spec.gradient[1], in a ConfigError: this floor may not import the config's errors.
 */
export class LandscapeExpressionError extends Error {
  override name = 'LandscapeExpressionError';
  constructor(
    /** Which expression: 'value' or 'gradient[c]'. */
    readonly expression: string,
    readonly line: number,
    readonly column: number,
    /** What is wrong there, and what is allowed. */
    readonly problem: string,
    /** The user's whole text of this expression. */
    readonly text: string,
  ) {
    super(`${expression}, line ${line}, column ${column}: ${problem}\n${pointAt(text, line, column)}`);
  }
}

/** The user's line with a caret under the column. */
export function pointAt(text: string, line: number, column: number): string {
  const source = text.split('\n')[line - 1] ?? '';
  return `    ${source}\n    ${' '.repeat(Math.max(0, column - 1))}^`;
}

/** WGSL builtins a landscape may call: math only (no derivatives, textures, atomics or barriers). */
export const EXPRESSION_BUILTINS: ReadonlySet<string> = new Set([
  'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'ceil', 'clamp', 'cos', 'cosh',
  'degrees', 'exp', 'exp2', 'floor', 'fma', 'fract', 'inverseSqrt', 'log', 'log2', 'max', 'min', 'mix',
  'pow', 'radians', 'round', 'saturate', 'select', 'sign', 'sin', 'sinh', 'smoothstep', 'sqrt', 'step',
  'tan', 'tanh', 'trunc', 'f32', 'true', 'false',
]);

/**
 * 64-bit FNV-1a-style digest (two 32-bit lanes, 16 hex digits) of an expression's texts (f, then each gradient),
 * so each expression gets pipelines of its own in every cache keyed by it.
 */
export function expressionDigest(expression: { readonly value: string; readonly gradient: readonly string[] }): string {
  const text = [expression.value, ...expression.gradient].join('\u0000');
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** The one variable: the particle's coordinates x[0] .. x[k-1]. */
export const EXPRESSION_VARIABLE = 'x';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;
/** WGSL decimal literals (no hex): 1, 1.5, .5, 1e-3, 2.0f. */
const NUMBER = /^(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[fh]?/;
const OPERATORS = '+-*/%()[],<>=!&|';

/**
 * Throws LandscapeExpressionError at the first token outside the allow-list. Also rejects an empty
 * text and unbalanced brackets (the compiler would too, but pointing at the user's character is kinder).
 */
export function checkExpressionTokens(name: string, text: string): void {
  const brackets: { char: string; line: number; column: number }[] = [];
  let line = 1;
  let column = 1;
  let tokens = 0;
  let rest = text;
  const fail = (problem: string, at = { line, column }): never => {
    throw new LandscapeExpressionError(name, at.line, at.column, problem, text);
  };
  const advance = (length: number) => {
    rest = rest.slice(length);
    column += length;
  };
  while (rest.length > 0) {
    const char = rest[0]!;
    if (char === '\n') {
      rest = rest.slice(1);
      line += 1;
      column = 1;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      advance(1);
      continue;
    }
    const identifier = IDENTIFIER.exec(rest)?.[0];
    if (identifier) {
      if (identifier !== EXPRESSION_VARIABLE && !EXPRESSION_BUILTINS.has(identifier)) {
        fail(`'${identifier}' is not allowed: use x[0] .. x[k-1], numbers and the math builtins (${[...EXPRESSION_BUILTINS].slice(0, 8).join(', ')}, ...)`);
      }
      tokens += 1;
      advance(identifier.length);
      continue;
    }
    const number = NUMBER.exec(rest)?.[0];
    if (number) {
      tokens += 1;
      advance(number.length);
      continue;
    }
    if (!OPERATORS.includes(char)) fail(`character '${char}' is not allowed in an expression`);
    if (char === '(' || char === '[') brackets.push({ char, line, column });
    if (char === ')' || char === ']') {
      const open = brackets.pop();
      if (!open || (open.char === '(') !== (char === ')')) fail(`'${char}' closes nothing`);
    }
    tokens += 1;
    advance(1);
  }
  const unclosed = brackets.pop();
  if (unclosed) fail(`'${unclosed.char}' is never closed`, unclosed);
  if (tokens === 0) fail('is empty', { line: 1, column: 1 });
}
