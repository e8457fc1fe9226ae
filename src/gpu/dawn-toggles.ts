/**
 * Dawn toggles for the Node (`webgpu` package) instance on SwiftShader, as `create()` flags.
 *
 * Headless Chromium 156 on the same SwiftShader Vulkan adapter enables these toggles (its
 * chrome://gpu "Dawn Info", Vulkan backend) that the `webgpu` package's Dawn leaves off by default.
 * They change code generation only (SPIR-V 1.4, the Vulkan memory model, range analysis that drops
 * bounds clamps it proves redundant): robustness and validation stay on, so a validation error
 * still fails a test and an out-of-range index is still clamped. Measured at (m, n, d) =
 * (1024, 1024, 32), interleaved in one process: about 10% off a Node step (docs/performance.md).
 */

/** Toggles Chromium enables on SwiftShader's Vulkan device and Node's Dawn does not by default. */
export const CHROMIUM_SWIFTSHADER_TOGGLES = [
  'enable_integer_range_analysis_in_robustness',
  'use_vulkan_memory_model',
  'vulkan_direct_variable_access_transform_handle',
  'decompose_uniform_buffers',
  'use_spirv_1_4',
] as const;

/** Toggles that would weaken what tests check (validation) or what a kernel may touch (robustness): never passed. */
export const FORBIDDEN_TOGGLES = ['skip_validation', 'disable_robustness'] as const;

/** `create()` flags for a Dawn instance: Chromium's SwiftShader toggles for the fallback adapter, none for hardware. */
export function dawnInstanceFlags(adapter: 'hardware' | 'swiftshader'): string[] {
  return adapter === 'swiftshader' ? [`enable-dawn-features=${CHROMIUM_SWIFTSHADER_TOGGLES.join(',')}`] : [];
}
