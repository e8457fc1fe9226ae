/**
 * The Lanczos recurrence on the GPU (float64 twin and derivation: src/core/lanczos.ts). With the
 * operator's product w = A v_k in the product blocks (the hessian family's HVP writes it there):
 *   lanczos_dots           partials of (x . w, |w - theta x|^2, x . x)          x = v_k (theta 0) or y
 *   lanczos_total          alpha_k, beta_{k+1} = sqrt(sum), the residual sums, or count += 1
 *   lanczos_orthogonalize  w' = w - alpha_k v_k - beta_k v_{k-1} into `previous`, partials of |w'|^2
 *   lanczos_next           v_{k+1} = w' / beta_{k+1}, v_k into `previous`, v_{k+1} into the direction blocks
 *                          (and into row k + 1 of the basis while it has rows)
 *   lanczos_combine        y = sum_j s_j v_j from the stored basis          (the Ritz vector when the basis fits)
 *   lanczos_accumulate     y += s_k v_k          (else a second pass replays the recurrence to form y = V_k s)
 *   lanczos_scatter        direction blocks = y  (then one product for |A y - theta y|)
 * The scalars live in a storage buffer (LanczosState), so the kernels of many iterations run in one
 * submit with no host round trip; the host reads the coefficients back once per chunk.
 * v_k, v_{k-1} and y are flat [a | W | b] vectors; the HVP's input and output are three blocks each
 * (a [m], W [m d], b [m]), addressed through the flat index e. Every sum runs in a fixed order.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { elementIndexWgsl, entryArgumentsWgsl, treeReductionWgsl } from './metrics-common.wgsl';
import { declareBindings, read, write, type StorageBinding } from './storage-bindings.wgsl';
import { VECTOR_BLOCK_FIELDS, productAtWgsl, vectorParamsWgsl } from './flat-vector.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

/** Vector kernels bind the bias blocks only when the network has a bias. */
export interface LanczosVariant {
  readonly hasBias: boolean;
}

/** Elements one lanczos_dots / lanczos_orthogonalize workgroup reduces: each thread sums REDUCTION_WORKGROUP_SIZE of them. */
export const LANCZOS_CHUNK = REDUCTION_WORKGROUP_SIZE * REDUCTION_WORKGROUP_SIZE;

/** f32 slots before LanczosState.coefficients: count, padding, residual (2). */
export const LANCZOS_STATE_HEADER = 4;

/** What lanczos_total does with its sum (a uniform, so one pipeline serves the four). */
export const LANCZOS_TOTAL_MODES = { alpha: 0, beta: 1, residual: 2, advance: 3 } as const;
export type LanczosTotalMode = keyof typeof LANCZOS_TOTAL_MODES;

const productBlocks = (v: LanczosVariant): StorageBinding[] => [
  read('productA', 'product_a'),
  read('productW', 'product_weights'),
  ...(v.hasBias ? [read('productB', 'product_bias')] : []),
];
const directionBlocks = (v: LanczosVariant): StorageBinding[] => [
  write('directionA', 'direction_a'),
  write('directionW', 'direction_weights'),
  ...(v.hasBias ? [write('directionB', 'direction_bias')] : []),
];

/** Storage bindings of lanczos_dots, in binding order (1, 2, ...). `vector` is v_k or y. */
export function lanczosDotsBindings(v: LanczosVariant): StorageBinding[] {
  return [...productBlocks(v), read('vector', 'vector'), write('partials', 'partials', 'array<vec4f>')];
}

export function lanczosOrthogonalizeBindings(v: LanczosVariant): StorageBinding[] {
  return [
    ...productBlocks(v),
    read('current', 'current'),
    write('previous', 'previous'),
    read('state', 'state', 'LanczosState'),
    write('partials', 'partials', 'array<vec4f>'),
  ];
}

export function lanczosTotalBindings(): StorageBinding[] {
  return [read('partials', 'partials', 'array<vec4f>'), write('state', 'state', 'LanczosState')];
}

export function lanczosNextBindings(v: LanczosVariant): StorageBinding[] {
  return [write('current', 'current'), write('previous', 'previous'), read('state', 'state', 'LanczosState'), write('basis', 'basis'), ...directionBlocks(v)];
}

export function lanczosCombineBindings(): StorageBinding[] {
  return [read('basis', 'basis'), write('ritz', 'ritz'), read('state', 'state', 'LanczosState')];
}

export function lanczosAccumulateBindings(): StorageBinding[] {
  return [read('current', 'current'), write('ritz', 'ritz'), read('state', 'state', 'LanczosState')];
}

export function lanczosScatterBindings(v: LanczosVariant): StorageBinding[] {
  return [read('ritz', 'ritz'), ...directionBlocks(v)];
}

/**
 * One uniform for every entry point: block sizes of the flat vector, the coefficient capacity (iterations
 * the state holds; the Ritz coefficients s start at 2 capacity), theta of the residual, lanczos_total's
 * partial count and mode, the rows of the stored basis (0: none) and the Ritz vector's length k.
 */
export const LANCZOS_PARAMS = uniformStruct('LanczosParams', {
  ...VECTOR_BLOCK_FIELDS,
  capacity: 'u32',
  theta: 'f32',
  partial_count: 'u32',
  mode: 'u32',
  basis_rows: 'u32',
  ritz_count: 'u32',
});
const paramsWgsl = vectorParamsWgsl(LANCZOS_PARAMS);

/**
 * count = k, the iteration (or replayed iteration); residual = (|A y - theta y|^2, |y|^2);
 * coefficients = [alpha_0, beta_1, alpha_1, beta_2, ...] (alpha_k at 2k, beta_{k+1} at 2k + 1),
 * then the Ritz coefficients s_j at 2 capacity + j.
 */
const stateWgsl = /* wgsl */ `
struct LanczosState {
  count: u32,
  padding: u32,
  residual: vec2f,
  coefficients: array<f32>,
}
`;

const treeSum4Wgsl = treeReductionWgsl({ name: 'tree_sum4', type: 'vec4f', combine: (left, right) => `${left} + ${right}` });

/** Writes v_e into the direction blocks (the HVP's input). */
function setDirection(hasBias: boolean): string {
  return wgsl`
fn set_direction(e: u32, value: f32) {
  if (e < params.a_count) {
    direction_a[e] = value;
    return;
  }
  let k = e - params.a_count;
#if ${hasBias}
  if (k >= params.weight_count) {
    direction_bias[k - params.weight_count] = value;
    return;
  }
#endif
  direction_weights[k] = value;
}
`;
}

/** Workgroup g of a chunked reduction covers [g CHUNK, min((g + 1) CHUNK, p)); thread t takes every WG-th element. */
const chunkedLoopStart = /* wgsl */ `
  let g = linear_workgroup_index(workgroup_id, workgroup_count);
  let total = vector_length();
  let chunk_start = g * ${LANCZOS_CHUNK}u;
  // Uniform over the workgroup (it depends on the workgroup index only), so tree_sum4's barriers are too.
  if (chunk_start >= total) { return; }
  let chunk_end = min(chunk_start + ${LANCZOS_CHUNK}u, total);
  var partial = vec4f(0.0);
`;

/** lanczos_dots: partials[g] = sum over chunk g of (x_e w_e, (w_e - theta x_e)^2, x_e^2, 0). */
export function lanczosDotsSource(variant: LanczosVariant): string {
  return wgsl`${paramsWgsl}${declareBindings(lanczosDotsBindings(variant))}
${linearWorkgroupIndex}${treeSum4Wgsl}${productAtWgsl(variant.hasBias)}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn lanczos_dots(${entryArgumentsWgsl}) {
${chunkedLoopStart}
  for (var e = chunk_start + local; e < chunk_end; e = e + ${REDUCTION_WORKGROUP_SIZE}u) {
    let x = vector[e];
    let w = product_at(e);
    let r = w - params.theta * x;
    partial = partial + vec4f(x * w, r * r, x * x, 0.0);
  }
  let sums = tree_sum4(local, partial);
  if (local == 0u) { partials[g] = sums; }
}
`;
}

/** lanczos_orthogonalize: previous_e = w_e - alpha_k v_e - beta_k previous_e (k = state.count), partials of |w'|^2. */
export function lanczosOrthogonalizeSource(variant: LanczosVariant): string {
  return wgsl`${paramsWgsl}${stateWgsl}${declareBindings(lanczosOrthogonalizeBindings(variant))}
${linearWorkgroupIndex}${treeSum4Wgsl}${productAtWgsl(variant.hasBias)}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn lanczos_orthogonalize(${entryArgumentsWgsl}) {
${chunkedLoopStart}
  let k = state.count;
  let alpha = state.coefficients[2u * k];
  // beta_0 = 0: v_{-1} does not exist (and previous is zero then anyway); max keeps the index in range.
  let beta = select(0.0, state.coefficients[max(2u * k, 1u) - 1u], k > 0u);
  for (var e = chunk_start + local; e < chunk_end; e = e + ${REDUCTION_WORKGROUP_SIZE}u) {
    // w' = A v_k - alpha_k v_k - beta_k v_{k-1}
    let orthogonal = product_at(e) - alpha * current[e] - beta * previous[e];
    previous[e] = orthogonal;
    partial = partial + vec4f(orthogonal * orthogonal, 0.0, 0.0, 0.0);
  }
  let sums = tree_sum4(local, partial);
  if (local == 0u) { partials[g] = sums; }
}
`;
}

/**
 * lanczos_total: one workgroup adds the partials in a fixed order. Mode alpha: alpha_k = sum.x; beta:
 * beta_{k+1} = sqrt(sum.x), then k += 1; residual: state.residual = (sum.y, sum.z); advance: k += 1.
 */
export function lanczosTotalSource(_variant: LanczosVariant): string {
  const modes = LANCZOS_TOTAL_MODES;
  return wgsl`${paramsWgsl}${stateWgsl}${declareBindings(lanczosTotalBindings())}
${linearWorkgroupIndex}${treeSum4Wgsl}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn lanczos_total(${entryArgumentsWgsl}) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) != 0u) { return; }
  var partial = vec4f(0.0);
  for (var g = local; g < params.partial_count; g = g + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + partials[g];
  }
  let sums = tree_sum4(local, partial);
  if (local != 0u) { return; }
  let k = state.count;
  if (params.mode == ${modes.alpha}u && k < params.capacity) {
    state.coefficients[2u * k] = sums.x;
  } else if (params.mode == ${modes.beta}u) {
    if (k < params.capacity) { state.coefficients[2u * k + 1u] = sqrt(sums.x); }
    state.count = k + 1u;
  } else if (params.mode == ${modes.residual}u) {
    state.residual = sums.yz;
  } else if (params.mode == ${modes.advance}u) {
    state.count = k + 1u;
  }
}
`;
}

/** lanczos_next: v_{k+1} = w' / beta_{k+1} (0 when beta_{k+1} = 0: an invariant subspace), v_k moves to previous. */
export function lanczosNextSource(variant: LanczosVariant): string {
  return wgsl`${paramsWgsl}${stateWgsl}${declareBindings(lanczosNextBindings(variant))}
${elementIndexWgsl}${setDirection(variant.hasBias)}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn lanczos_next(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= vector_length()) { return; }
  // count is k + 1 here (lanczos_total advanced it), so beta_{k+1} sits at 2 count - 1.
  let beta = state.coefficients[2u * state.count - 1u];
  let next = select(0.0, previous[e] / beta, beta > 0.0);
  previous[e] = current[e];
  current[e] = next;
  set_direction(e, next);
  // Row k + 1 of the basis [rows x p] is v_{k+1} (row 0, v_0, is written by the host).
  if (state.count < params.basis_rows) { basis[state.count * vector_length() + e] = next; }
}
`;
}

/** lanczos_combine: y_e = sum_{j < k} s_j basis[j p + e] in order j = 0, 1, ..., s_j = coefficients[2 capacity + j]. */
export function lanczosCombineSource(_variant: LanczosVariant): string {
  return wgsl`${paramsWgsl}${stateWgsl}${declareBindings(lanczosCombineBindings())}
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn lanczos_combine(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  let p = vector_length();
  if (e >= p) { return; }
  var y = 0.0;
  for (var j = 0u; j < params.ritz_count; j = j + 1u) {
    y = y + state.coefficients[2u * params.capacity + j] * basis[j * p + e];
  }
  ritz[e] = y;
}
`;
}

/** lanczos_accumulate: y_e += s_k v_e, s_k = coefficients[2 capacity + k]. */
export function lanczosAccumulateSource(_variant: LanczosVariant): string {
  return wgsl`${paramsWgsl}${stateWgsl}${declareBindings(lanczosAccumulateBindings())}
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn lanczos_accumulate(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= vector_length()) { return; }
  ritz[e] = ritz[e] + state.coefficients[2u * params.capacity + state.count] * current[e];
}
`;
}

/** lanczos_scatter: the direction blocks take y. */
export function lanczosScatterSource(variant: LanczosVariant): string {
  return wgsl`${paramsWgsl}${declareBindings(lanczosScatterBindings(variant))}
${elementIndexWgsl}${setDirection(variant.hasBias)}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn lanczos_scatter(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= vector_length()) { return; }
  set_direction(e, ritz[e]);
}
`;
}
