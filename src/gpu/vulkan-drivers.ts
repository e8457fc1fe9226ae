/**
 * Whether the Vulkan loader will find any driver on Linux, read from the places it reads (environment, then the
 * XDG config and data folders' vulkan/icd.d). Asking Dawn for a hardware adapter without one makes it print
 * "vkCreateInstance: Found no drivers!" and a stack line on every command, before we fall back to SwiftShader
 * anyway; with no driver listed we skip that request. Node only (Dawn's platform); other systems use Metal or
 * D3D12 and are always asked.
 */
export async function mayHaveVulkanDrivers(): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const env = process.env;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return true;
  // Variable specifiers keep bundlers from pulling Node modules into browser builds.
  const fsSpecifier = 'node:fs';
  const { readdirSync } = (await import(/* @vite-ignore */ fsSpecifier)) as typeof import('node:fs');
  const home = env.HOME ?? '';
  const configDirs = [env.XDG_CONFIG_HOME || `${home}/.config`, ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'), '/etc'];
  const dataDirs = [env.XDG_DATA_HOME || `${home}/.local/share`, ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')];
  return [...configDirs, ...dataDirs].some((dir) => {
    try {
      return readdirSync(`${dir}/vulkan/icd.d`).some((name) => name.endsWith('.json'));
    } catch {
      return false;
    }
  });
}
