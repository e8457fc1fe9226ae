/**
 * Device loss, in one place for the engine and the views. WebGPU reports a lost device only through
 * `device.lost`, a promise that settles once (driver reset, a tab in the background too long,
 * `destroy()`); after it every GPU object of that device is dead and the work must move to a new one.
 * Here: listening for it, reading it synchronously, the error that tells a runner to resume elsewhere,
 * and the app's policy of one device reused until it is lost.
 */
import { DeviceLostError } from '../core/simulation';

/** What a lost device said. */
export interface DeviceLoss {
  /** 'destroyed' after device.destroy(), 'unknown' otherwise. */
  readonly reason: GPUDeviceLostReason;
  readonly message: string;
}

/**
 * How long a failed GPU call waits for `device.lost` before it counts as a plain error: the promise may settle
 * well after the failed call that revealed the loss (a mapAsync aborted by a destroyed device; a busy browser
 * takes hundreds of milliseconds).
 */
export const DEVICE_LOSS_SETTLE_MS = 2000;

/** The loss in one line, as runs report it: "GPU device lost (reason: message)". */
export function describeDeviceLoss(loss: DeviceLoss): string {
  return `GPU device lost (${loss.reason}: ${loss.message})`;
}

/** Calls `listener` once when `device` is lost; the returned function stops listening (a replaced owner must not hear it). */
export function onDeviceLost(device: GPUDevice, listener: (loss: DeviceLoss) => void): () => void {
  let listening = true;
  void device.lost.then((info) => {
    if (listening) listener({ reason: info.reason, message: info.message });
  });
  return () => {
    listening = false;
  };
}

/** Per device, the watches hearing its uncaptured errors and the one listener that tells them all. */
const uncapturedHearers = new WeakMap<GPUDevice, { readonly hearers: Set<(error: GPUError) => void>; readonly listener: (event: Event) => void }>();

/**
 * Calls `hear` with each error `device` reports outside any error scope; the returned function stops. One listener
 * per device serves every hearer: a run set of many simulations on one device would otherwise pass the event
 * target's listener limit (Node warns at 11).
 */
function hearUncaptured(device: GPUDevice, hear: (error: GPUError) => void): () => void {
  let entry = uncapturedHearers.get(device);
  if (!entry) {
    const hearers = new Set<(error: GPUError) => void>();
    const listener = (event: Event) => {
      for (const h of hearers) h((event as GPUUncapturedErrorEvent).error);
    };
    entry = { hearers, listener };
    uncapturedHearers.set(device, entry);
    // (Stand-in devices in tests may have no event target.)
    device.addEventListener?.('uncapturederror', listener);
  }
  const { hearers, listener } = entry;
  hearers.add(hear);
  return () => {
    hearers.delete(hear);
    if (hearers.size > 0 || uncapturedHearers.get(device) !== entry) return;
    uncapturedHearers.delete(device);
    device.removeEventListener?.('uncapturederror', listener);
  };
}

/**
 * A validation, out-of-memory or internal error that no error scope caught: the work it belonged to did not
 * happen as recorded, so nothing computed after it can be trusted. Not recoverable by a new device.
 */
export class UncapturedGpuError extends Error {
  override name = 'UncapturedGpuError';
}

/**
 * One device's loss (and its first uncaptured error) as fields read synchronously, for code that must check
 * them before and after every GPU call.
 */
export class DeviceLossWatch {
  /** Set once the device is lost. */
  loss: DeviceLoss | undefined;
  /** The first error the device reported outside any error scope. */
  uncaptured: GPUError | undefined;
  private readonly reported: Promise<void>;
  private readonly stopHearing: () => void;

  constructor(device: GPUDevice) {
    this.reported = new Promise((resolve) => {
      onDeviceLost(device, (loss) => {
        this.loss = loss;
        resolve();
      });
    });
    this.stopHearing = hearUncaptured(device, (error) => (this.uncaptured ??= error));
  }

  /**
   * Stops hearing the device's uncaptured errors, once the watched work is destroyed: a device reused by later
   * runs (the app's, the tests') would otherwise keep a listener for every run ever built on it.
   */
  release(): void {
    this.stopHearing();
  }

  /** Throws DeviceLostError once the device is lost, UncapturedGpuError once it reported an error no scope caught. */
  throwIfLost(): void {
    if (this.loss) throw new DeviceLostError(describeDeviceLoss(this.loss));
    if (this.uncaptured) throw new UncapturedGpuError(`GPU error during the run (${this.uncaptured.constructor.name}): ${this.uncaptured.message}; results after it cannot be trusted`);
  }

  /**
   * Runs GPU work; a failure on a lost device becomes DeviceLostError (so a runner can resume elsewhere),
   * any other failure passes through after waiting up to `settleMs` for a loss to be reported. Failures that
   * `isInputError` recognises judge the caller's input (a user's expression that does not compile), which no
   * device loss causes: they pass at once.
   */
  async guard<T>(work: () => Promise<T>, settleMs = DEVICE_LOSS_SETTLE_MS, isInputError?: (error: unknown) => boolean): Promise<T> {
    this.throwIfLost();
    try {
      const result = await work();
      // An error the work raised outside any scope arrives as an event, not as a rejection: it fails the work too.
      this.throwIfLost();
      return result;
    } catch (error) {
      if (error instanceof UncapturedGpuError || isInputError?.(error)) throw error;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.reported, new Promise((resolve) => (timer = setTimeout(resolve, settleMs)))]);
      clearTimeout(timer);
      this.throwIfLost();
      throw error;
    }
  }

  /**
   * Builds GPU objects as guarded work: set-up on a device lost before or while it runs fails as DeviceLostError
   * (whatever call revealed the loss: a mapped buffer, a read-back, a compilation), so a runner builds again on
   * a new device. A build that completed on a device found lost or in error is destroyed, not returned.
   * `isInputError`: as guard's.
   */
  async build<T extends { destroy(): void }>(make: () => Promise<T>, isInputError?: (error: unknown) => boolean): Promise<T> {
    let built: T | undefined;
    try {
      return await this.guard(async () => (built = await make()), DEVICE_LOSS_SETTLE_MS, isInputError);
    } catch (error) {
      built?.destroy();
      this.release();
      throw error;
    }
  }
}

/**
 * One device shared by every request until it is lost (pipelines stay compiled across runs); the first
 * request after a loss, or after a failed request, asks `request` for a new one.
 */
export function reuseUntilLost<Gpu extends { readonly device: GPUDevice }>(request: () => Promise<Gpu>): () => Promise<Gpu> {
  let current: Promise<Gpu> | undefined;
  return () => {
    if (current) return current;
    const pending: Promise<Gpu> = request().then(
      (gpu) => {
        onDeviceLost(gpu.device, () => {
          if (current === pending) current = undefined;
        });
        return gpu;
      },
      (error: unknown) => {
        if (current === pending) current = undefined;
        throw error;
      },
    );
    current = pending;
    return pending;
  };
}
