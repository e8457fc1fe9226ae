/**
 * Storage bindings listed by name: a wrapper binds buffers by `key` in list order, and the shader
 * declares the same list at @binding(1), @binding(2), ... (@binding(0) is the uniform), so the two
 * cannot drift apart. Used by the hessian and lanczos families.
 */

/** One storage binding: `key` names the wrapper's buffer, `name` the WGSL variable; bindings number 1, 2, ... in list order. */
export interface StorageBinding {
  readonly key: string;
  readonly name: string;
  readonly access: 'read' | 'read_write';
  readonly type?: string;
}

/** WGSL declarations of `bindings` at @binding(1), @binding(2), ... (@binding(0) is the uniform). */
export function declareBindings(bindings: readonly StorageBinding[]): string {
  return bindings
    .map((b, index) => `@group(0) @binding(${index + 1}) var<storage, ${b.access}> ${b.name}: ${b.type ?? 'array<f32>'};`)
    .join('\n');
}

/** A read-only storage binding (element type array<f32> unless `type` says otherwise). */
export const read = (key: string, name: string, type?: string): StorageBinding => ({ key, name, access: 'read', ...(type ? { type } : {}) });
/** A read-write storage binding. */
export const write = (key: string, name: string, type?: string): StorageBinding => ({ key, name, access: 'read_write', ...(type ? { type } : {}) });
