/**
 * A parameter-space vector of the two-layer network in WGSL: three blocks a [m], W [m d], b [m]
 * addressed through one flat index e over [a | W | b]. The uniform fields that size the blocks, and
 * the reads of element e. Shared by the hessian and lanczos families.
 */
import { wgsl } from './preprocessor';
import type { UniformStruct } from '../src/core/uniform-struct';

/** Block sizes of the flat vector [a | W | b] (bias_count = 0 without a bias): the first fields of every uniform on that layout. */
export const VECTOR_BLOCK_FIELDS = { a_count: 'u32', weight_count: 'u32', bias_count: 'u32' } as const;

/** `params` (a uniform struct holding VECTOR_BLOCK_FIELDS) at @binding(0), and `fn vector_length()`: shared by every kernel on that layout. */
export function vectorParamsWgsl<Fields extends typeof VECTOR_BLOCK_FIELDS>(struct: UniformStruct<Fields>): string {
  return /* wgsl */ `
${struct.wgsl}
@group(0) @binding(0) var<uniform> params: ${struct.name};

fn vector_length() -> u32 {
  return params.a_count + params.weight_count + params.bias_count;
}
`;
}

/** `fn name(e) -> f32`: element e of the flat vector [a | W | b] stored in the blocks `prefix`_a, `prefix`_weights, `prefix`_bias. */
function flatReadWgsl(name: string, prefix: string, hasBias: boolean): string {
  return wgsl`
fn ${name}(e: u32) -> f32 {
  if (e < params.a_count) { return ${prefix}_a[e]; }
  let k = e - params.a_count;
#if ${hasBias}
  if (k >= params.weight_count) { return ${prefix}_bias[k - params.weight_count]; }
#endif
  return ${prefix}_weights[k];
}
`;
}

/** `fn product_at(e) -> f32`: (Hv)_e over the product blocks (needs params.a_count and params.weight_count). */
export const productAtWgsl = (hasBias: boolean) => flatReadWgsl('product_at', 'product', hasBias);

/** Reads of the flat vectors v (direction) and Hv (product) at index e over [a | W | b]. */
export function flatAccessors(hasBias: boolean): string {
  return `${flatReadWgsl('direction_at', 'direction', hasBias)}${productAtWgsl(hasBias)}`;
}
