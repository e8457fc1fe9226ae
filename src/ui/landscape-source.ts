/**
 * What <gradflow-landscape-view> reads: a landscape run's live particle buffers, written by the run on the same
 * device and queue (a frame submitted after a chunk sees that chunk, with no read-back), and the model they run:
 * its landscape (f, drawn under the particles), its start region and target (the view always shows them).
 */
import type { LandscapeModel } from '../config/model-kinds';
import type { LiveLandscape } from '../app/training-session';

export interface LandscapeSource {
  readonly device: GPUDevice;
  /** Positions x_p [P x k] f32 (row p: particle p), P = model.spec.particleCount, k the landscape's dimension. */
  readonly positions: GPUBuffer;
  /** Per-particle statistics [P x 4] f32: f(x_p) (|x_p| for perko), max_t |x_t|, exit step, log-growth. */
  readonly stats: GPUBuffer;
  readonly model: LandscapeModel;
}

/**
 * One LandscapeSource per set of live buffers: a view rebuilds its renderer whenever its `source` is a new object, so
 * a page that re-renders every frame hands it the same object until the run's buffers (or its model) change.
 */
export class LandscapeSourceCache {
  private last: LandscapeSource | undefined;

  sourceFor(live: LiveLandscape, model: LandscapeModel): LandscapeSource {
    const last = this.last;
    if (last && last.device === live.gpu.device && last.positions === live.positions && last.stats === live.stats && last.model === model) return last;
    this.last = { device: live.gpu.device, positions: live.positions, stats: live.stats, model };
    return this.last;
  }
}
