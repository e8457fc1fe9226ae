/**
 * The run's life in the app: the GPU (one device reused until it is lost; a page-level message when there
 * is none), the TrainingSession (started per valid config, replaced on rewind, destroyed on disconnect; a
 * replaced run stays on screen until the new one draws: run-handover.ts), the commands and settings it takes
 * (Play after the end plays on), the previous runs of the same preset kept for the charts, and one host
 * update per animation frame however many chunks report.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { TrainingSession } from '../../app/training-session';
import type { ExperimentConfig } from '../../config/schema';
import type { ReadText } from '../../data/create';
import { reuseUntilLost } from '../../gpu/device-loss';
import { requestGpu, type GpuContext } from '../../gpu/device';
import type { RunCommand } from '../gradflow-run-controls';
import { messageOf } from './error-message';
import { RunHandover } from './run-handover';
import { withPastRun, type PastRun } from './run-history';

export const WEBGPU_HELP =
  'WebGPU is not available here, and GradFlow trains on the GPU through it. Use Chrome or Edge 113 or newer ' +
  '(on Linux: start Chrome with --enable-unsafe-webgpu, or enable chrome://flags/#enable-unsafe-webgpu and Vulkan), ' +
  'or Safari 18+ with WebGPU enabled, and open this page over https or http://localhost.';

/** Whether the browser has the WebGPU API at all (an adapter may still be refused). */
export function hasWebGpuApi(): boolean {
  return 'gpu' in navigator && Boolean(navigator.gpu);
}

export interface RunOptions {
  /** The files a config's data.path names. */
  readonly readText: ReadText;
  /** The config a rewind starts again (the app's current valid config). */
  readonly currentConfig: () => ExperimentConfig | undefined;
  /** Default: the browser's adapter (src/gpu/device). */
  readonly requestGpu?: () => Promise<GpuContext>;
  /** Awaited before each chunk; default: the next animation frame. */
  readonly pace?: () => Promise<unknown>;
}

export class RunController implements ReactiveController {
  /** The current run; it stays (its last state on screen) after it ends, until the next start. */
  session: TrainingSession | undefined;
  /** The GPU's name once one was obtained, else ''. */
  adapter = '';
  /** Why the app cannot run here (no WebGPU, or no adapter), or ''. */
  unavailable = '';
  pastRuns: readonly PastRun[] = [];
  stepsPerFrame = 8;
  /** Applies from the next run (rewind) on. */
  stopBelowLoss: number | undefined;
  private runCount = 0;
  /** Whether the run on screen joins pastRuns when the next one starts (not across a preset change). */
  private overlayCurrent = true;
  private redrawPending = false;
  private readonly handover: RunHandover;
  private readonly acquireGpu = reuseUntilLost(() => this.requestGpuOrExplain());

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: RunOptions,
  ) {
    this.handover = new RunHandover(host);
    host.addController(this);
  }

  hostConnected(): void {
    if (!hasWebGpuApi()) this.setUnavailable(WEBGPU_HELP);
  }

  hostDisconnected(): void {
    void this.session?.destroy();
    this.handover.destroyAll();
  }

  /**
   * Replaces the run with a new one of `config` (the old run's curves join pastRuns, unless forgetPastRuns came
   * between); the old run's last state stays on screen until the new one draws. Nothing without a config.
   */
  start(config: ExperimentConfig | undefined): void {
    if (!config) return;
    const previous = this.session;
    // A run set's curves are not overlaid on later runs: its members are the comparison.
    if (previous && !previous.isSet && this.overlayCurrent) this.pastRuns = withPastRun(this.pastRuns, `run ${this.runCount}`, previous);
    this.overlayCurrent = true;
    const standIn = this.handover.replace(previous);
    this.runCount++;
    this.stepsPerFrame = Math.min(this.stepsPerFrame, config.stepsPerSubmit);
    const session = new TrainingSession(config, {
      requestGpu: this.acquireGpu,
      readText: this.options.readText,
      stepsPerFrame: this.stepsPerFrame,
      ...(this.options.pace ? { pace: this.options.pace } : {}),
      ...(this.stopBelowLoss !== undefined ? { stopBelowLoss: this.stopBelowLoss } : {}),
      ...(standIn ? { standIn } : {}),
    });
    for (const type of ['progress', 'metrics', 'source', 'end']) session.addEventListener(type, this.requestRedraw);
    // The replaced runs go once this one draws ('source'), runs without live buffers (float64, landscapes), or fails.
    const settle = () => {
      if (this.session === session && session.status !== 'starting') void this.handover.settle();
    };
    for (const type of ['progress', 'source', 'end']) session.addEventListener(type, settle);
    this.session = session;
    this.host.requestUpdate();
    void session.start();
  }

  command(command: RunCommand): void {
    const session = this.session;
    switch (command) {
      case 'play': if (session?.canContinue) void session.continueRun(); else session?.resume(); break;
      case 'pause': session?.pause(); break;
      case 'step': session?.stepOnce(); break;
      case 'stop': session?.stop(); break;
      case 'rewind': this.start(this.options.currentConfig()); break; // same config and seed: the same initialization
    }
    this.requestRedraw();
  }

  /** Throws RangeError (InvalidLearningRateError) for a rate no step can take: NaN, infinite or negative. */
  setLearningRate(learningRate: number): void {
    this.session?.setLearningRate(learningRate);
  }

  /**
   * Continues a running or paused run with the new batch; other runs take it from the config. A run set
   * restarts from its initialization with the config's new batch size (its members cannot switch mid-run).
   */
  async setBatchSize(batchSize: number | undefined): Promise<void> {
    const session = this.session;
    if (session?.isSet) {
      this.start(this.options.currentConfig());
      this.session?.events.push(`batch size changed to ${batchSize ?? 'full batch'}: the run set restarted from its initialization`);
      return;
    }
    if (session && (session.status === 'running' || session.status === 'paused')) await session.setBatchSize(batchSize);
  }

  /** Kept for the next runs even when the current one refuses it (RangeError above its stepsPerSubmit). */
  setStepsPerFrame(steps: number): void {
    this.stepsPerFrame = steps;
    this.session?.setStepsPerFrame(steps);
  }

  /** A preset of its own: the previous runs, and the run on screen that the next start replaces, are not comparable. */
  forgetPastRuns(): void {
    this.pastRuns = [];
    this.overlayCurrent = false;
    this.host.requestUpdate();
  }

  /** Updates the host at most once per animation frame, however many chunks arrive. */
  readonly requestRedraw = (): void => {
    if (this.redrawPending) return;
    this.redrawPending = true;
    requestAnimationFrame(() => {
      this.redrawPending = false;
      this.host.requestUpdate();
    });
  };

  /** A new device; when none can be had, the page says why instead of the app. */
  private async requestGpuOrExplain(): Promise<GpuContext> {
    try {
      const gpu = await (this.options.requestGpu ?? requestGpu)();
      this.adapter = gpu.adapterDescription;
      this.host.requestUpdate();
      return gpu;
    } catch (error) {
      // navigator.gpu exists but gives no adapter (blocklisted GPU, WebGPU switched off): the same page-level message.
      this.setUnavailable(`${WEBGPU_HELP} The browser said: ${messageOf(error)}`);
      throw error;
    }
  }

  private setUnavailable(message: string): void {
    this.unavailable = message;
    this.host.requestUpdate();
  }
}
