/** Debian's Chromium with WebGPU on: the tests and benches never download a browser. Override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * WebGPU in headless Chromium (SwiftShader without a GPU), quiet and offline. The Vulkan/SwiftShader
 * compositor flags let a WebGPU canvas present: with the default GL compositor the first present
 * loses the device ("A valid external Instance reference no longer exists").
 */
export const WEBGPU_CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--ignore-gpu-blocklist',
  '--enable-gpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
