/**
 * The scratch of the logged two-layer metrics that grows with the data or the width: the NTK Gram's pairs of
 * samples (src/metrics/ntk.ts, src/float64/ntk.ts), the Hessian-vector products and Lanczos vectors of the
 * sharpness (src/metrics/sharpness.ts, src/float64/hessian.ts), the batch sharpness's per-batch gradient and
 * product (gpu-batch-sharpness.ts, src/float64/batch-sharpness.ts), and the activations H, H(0) that the neuron
 * activity metrics compare. Metrics of cost 'state' or 'pass' reuse the training arrays and add nothing large.
 */
import type { Backend } from '../../core/simulation';
import { LANCZOS_DEFAULTS } from '../../core/lanczos';
import { METRICS, type MetricName } from '../../metrics/registry';
import { field, sized, type BufferEstimate } from '../footprint';
import type { NetworkSizes } from './footprint-sizes';
import { TWO_LAYER_EVALUATORS, type TwoLayerMetricName } from './metric-evaluators';

const costOf = (name: MetricName) => METRICS[name].cost;
const initialOf = (name: MetricName) => TWO_LAYER_EVALUATORS[name as TwoLayerMetricName]?.initial;

export interface MetricSettings {
  readonly names: readonly MetricName[];
  readonly backend: Backend;
  /** Lanczos iterations at most (metrics.lanczos.maxIterations). */
  readonly lanczosIterations?: number;
  /** The first layer trains, so the Hessian-vector product keeps two more [n x m] arrays. */
  readonly firstLayerTrains: boolean;
}

export function metricBuffers(s: NetworkSizes, settings: MetricSettings): BufferEstimate[] {
  const { names, backend } = settings;
  const buffers: BufferEstimate[] = [];
  const bytesPerElement = backend === 'gpu' ? 4 : 8;
  if (names.some((name) => costOf(name) === 'pairs')) {
    const keepsInitial = names.some((name) => initialOf(name) === 'gram');
    // K read back as float32 (and K(0) beside it), then eigen-solved in float64: the matrix and its eigenvectors.
    buffers.push(sized('the NTK Gram K on the host', 'host', [s.samples, s.samples], { bytesPerElement: (backend === 'gpu' ? 4 : 8) * (keepsInitial ? 2 : 1) + 16 }));
    if (backend === 'gpu') {
      buffers.push(
        sized('the NTK features', 'gpu', [s.samples, s.width], { scale: 2 }),
        sized('the NTK feature products', 'gpu', [s.samples, s.samples], { scale: 2 }),
        sized('the NTK Gram K', 'gpu', [s.samples, s.samples], { copies: 2 }),
      );
    } else {
      buffers.push(sized('the per-sample gradients (NTK Jacobian)', 'host', [s.samples, s.width, s.perNeuron], { bytesPerElement }));
    }
  }
  if (names.some((name) => costOf(name) === 'lanczos')) {
    const iterations = field('metrics.lanczos.maxIterations', settings.lanczosIterations ?? LANCZOS_DEFAULTS.maxIterations);
    buffers.push(sized('the Hessian-vector product scratch', backend === 'gpu' ? 'gpu' : 'host', [s.samples, s.width], { bytesPerElement, copies: settings.firstLayerTrains ? 3 : 1 }));
    // The GPU holds a few Lanczos vectors and a basis capped at LANCZOS_BASIS_BYTES; the float64 twin keeps every vector.
    if (backend === 'gpu') buffers.push(sized('the Lanczos vectors', 'gpu', [s.width, s.perNeuron], { copies: 5 }));
    else buffers.push(sized('the Lanczos basis', 'host', [iterations, s.width, s.perNeuron], { bytesPerElement }));
  }
  if (names.some((name) => costOf(name) === 'batches')) {
    // One mini-batch at a time: the gradient pass's activations and the HVP's (with the first layer, its [B x m] direction and coefficients too).
    const space = backend === 'gpu' ? 'gpu' : 'host';
    buffers.push(sized('the batch sharpness\'s activations and Hessian-vector product scratch on one batch', space, [s.batch, s.width], { bytesPerElement, copies: settings.firstLayerTrains ? 4 : 2 }));
    if (s.gathersBatch) buffers.push(sized('the batch sharpness\'s gathered inputs', space, [s.batch, s.inputs], { bytesPerElement }));
  }
  if (names.some((name) => initialOf(name) === 'activations')) {
    // H and H(0) on the host, and uploaded again for the activity kernels.
    buffers.push(sized('the activations H and H(0) on the train set', 'host', [s.samples, s.width], { bytesPerElement, copies: 2 }));
    if (backend === 'gpu') buffers.push(sized('the activations H and H(0) on the train set', 'gpu', [s.samples, s.width], { copies: 2 }));
  }
  return buffers;
}
