/**
 * Fading trails: before each frame's particles are drawn into the persistent trail texture, a
 * full-screen triangle blends the background over it with opacity `fade`, so a particle's image
 * from k frames ago keeps (1 - fade)^k of its contrast.
 */
import { wgsl } from './preprocessor';

/** fullscreen_corner(vertex): three vertices of one triangle covering clip space. */
export const fullscreenTriangleWgsl = /* wgsl */ `
fn fullscreen_corner(vertex: u32) -> vec4f {
  let xy = vec2f(f32((vertex << 1u) & 2u), f32(vertex & 2u)) * 2.0 - 1.0;
  return vec4f(xy, 0.0, 1.0);
}
`;

export function trailFadeSource(): string {
  return wgsl`
struct FadeParams { color: vec4f }
@group(0) @binding(0) var<uniform> fade: FadeParams;

${fullscreenTriangleWgsl}
@vertex
fn fade_vertex(@builtin(vertex_index) vertex: u32) -> @builtin(position) vec4f {
  return fullscreen_corner(vertex);
}

@fragment
fn fade_fragment() -> @location(0) vec4f {
  return fade.color;
}
`;
}
