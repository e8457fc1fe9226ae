import type { LogLevel, PreviewServer } from 'vite';

/** Builds the app under `root` into `outDir` (relative to root, or absolute), with data/ copied in; resolves to the folder. */
export function buildApp(options?: { root?: string; outDir?: string; logLevel?: LogLevel }): Promise<string>;

/** Serves a build made by buildApp on 127.0.0.1. */
export function serveApp(options?: { root?: string; outDir?: string; port?: number; strictPort?: boolean; open?: boolean; logLevel?: LogLevel }): Promise<PreviewServer>;
