/** Errors raised by the GPU runtime. Each message states what went wrong and the remedy. */

/** WebGPU is missing or no adapter could be obtained. */
export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

/** WGSL failed to compile; `messages` carry the line numbers of the generated source. */
export class ShaderCompilationError extends Error {
  override name = 'ShaderCompilationError';
  constructor(
    readonly label: string,
    readonly messages: readonly { lineNum: number; linePos: number; message: string }[],
    source: string,
  ) {
    super(`WGSL compilation of ${label} failed:\n${formatMessages(messages, source)}`);
  }
}

/** A kernel argument is invalid (shape mismatch, zero size, NaN, over a device limit). Thrown before any dispatch. */
export class KernelArgumentError extends Error {
  override name = 'KernelArgumentError';
  constructor(
    readonly kernel: string,
    readonly argument: string,
    problem: string,
  ) {
    super(`${kernel}: argument '${argument}' ${problem}`);
  }
}

/** The device reported a validation or out-of-memory error for GPU work. */
export class GpuValidationError extends Error {
  override name = 'GpuValidationError';
}

function formatMessages(
  messages: readonly { lineNum: number; linePos: number; message: string }[],
  source: string,
): string {
  const lines = source.split('\n');
  return messages
    .map((m) => {
      const text = lines[m.lineNum - 1] ?? '';
      const caret = m.linePos > 0 ? `${' '.repeat(m.linePos - 1)}^` : '';
      return `  line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${text}\n    ${caret}`;
    })
    .join('\n');
}
