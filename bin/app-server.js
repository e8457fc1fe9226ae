// The app as `npm start` serves it: a production build (Vite, without the type check) served by Vite's preview
// server. One bundled script loads in about a third of the time the dev server's ~420 separate modules take, and
// the build takes a couple of seconds. The repository's data/ folder is copied beside the build, since presets
// fetch their data files (data/digits.csv) by path, as the dev server serves them from the repository.
import { cp, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { build, preview } from 'vite';

/** The one bundle is ~800 kB (~250 kB gzipped): fewer requests is the point, so Vite's 500 kB warning does not apply. */
const CHUNK_WARNING_KB = 1500;

/** Builds the app under `root` into `outDir` (relative to root, or absolute), with data/ copied in. */
export async function buildApp({ root = process.cwd(), outDir = 'dist', logLevel = 'warn' } = {}) {
  const target = isAbsolute(outDir) ? outDir : join(root, outDir);
  await build({ configFile: false, root, logLevel, clearScreen: false, build: { outDir: target, emptyOutDir: true, chunkSizeWarningLimit: CHUNK_WARNING_KB } });
  const data = join(target, 'data');
  await rm(data, { recursive: true, force: true });
  await cp(join(root, 'data'), data, { recursive: true });
  return target;
}

/** Serves a build made by buildApp on 127.0.0.1 (a secure origin, which WebGPU needs). */
export function serveApp({ root = process.cwd(), outDir = 'dist', port = 5173, strictPort = false, open = false, logLevel = 'warn' } = {}) {
  return preview({ configFile: false, root, logLevel, clearScreen: false, build: { outDir }, preview: { host: '127.0.0.1', port, strictPort, open } });
}
