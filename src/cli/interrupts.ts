/**
 * SIGINT, SIGTERM and SIGHUP stop a run where its work can be kept: the first one aborts the signal the runs
 * listen to (they stop at the next chunk boundary and keep a checkpoint), a second one quits at once. The exit
 * code is then the shell's for that signal, 128 + its number (130, 143, 129).
 */
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type HandledSignal = keyof typeof SIGNALS;

export interface Interrupts {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** The exit code for the signal that came (undefined while none has). */
  exitCode(): number | undefined;
  /** Stops listening (the default handlers are back). */
  dispose(): void;
}

export function listenForInterrupts(report: (line: string) => void = (line) => console.error(line)): Interrupts {
  const controller = new AbortController();
  let received: HandledSignal | undefined;
  const handlers = (Object.keys(SIGNALS) as HandledSignal[]).map((name) => {
    const handler = () => {
      if (received) {
        report(`gradflow: ${name} again: quitting without a checkpoint`);
        process.exit(128 + SIGNALS[name]);
      }
      received = name;
      report(`gradflow: ${name}: stopping at the next chunk boundary and writing a checkpoint (${name === 'SIGINT' ? 'Ctrl-C' : name} again quits at once)`);
      controller.abort(new Error(name));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    exitCode: () => (received ? 128 + SIGNALS[received] : undefined),
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
