/** The Node Dawn instance's create() flags: Chromium's SwiftShader toggles on the fallback adapter, never a weakening one. */
import { describe, expect, it } from 'vitest';
import { CHROMIUM_SWIFTSHADER_TOGGLES, FORBIDDEN_TOGGLES, dawnInstanceFlags } from '../../src/gpu/dawn-toggles';

describe('dawnInstanceFlags', () => {
  it('enables every Chromium SwiftShader toggle for the fallback adapter, in one enable-dawn-features flag', () => {
    const flags = dawnInstanceFlags('swiftshader');
    expect(flags).toHaveLength(1);
    const [key, list] = flags[0]!.split('=');
    expect(key).toBe('enable-dawn-features');
    expect(list!.split(',')).toEqual([...CHROMIUM_SWIFTSHADER_TOGGLES]);
    expect(list!.split(',')).toContain('use_vulkan_memory_model');
  });

  it('passes no toggle to a hardware adapter', () => {
    expect(dawnInstanceFlags('hardware')).toEqual([]);
  });

  it('never skips validation or disables robustness, so GPU tests keep failing on validation errors', () => {
    for (const adapter of ['hardware', 'swiftshader'] as const) {
      const toggles = dawnInstanceFlags(adapter).flatMap((flag) => flag.split('=')[1]!.split(','));
      for (const forbidden of FORBIDDEN_TOGGLES) expect(toggles).not.toContain(forbidden);
      expect(dawnInstanceFlags(adapter).some((flag) => flag.startsWith('disable-dawn-features'))).toBe(false);
    }
  });
});
