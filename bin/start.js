#!/usr/bin/env node
// `npm start`: the app on http://127.0.0.1:5173 (a secure origin, which WebGPU needs), built for production first
// (bin/app-server.js: a couple of seconds, and the page then loads one script instead of ~420 modules), opened in a
// browser when there is a display to open one on; without one (a server, a container) it says where to point a
// browser. `npm run dev` serves the sources unbundled instead, with hot reload, for working on the app.
import { buildApp, serveApp } from './app-server.js';

const started = performance.now();
await buildApp();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const server = await serveApp({ open: hasDisplay, logLevel: 'info' });
console.log(`  Built and serving in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
server.printUrls();
const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
if (!hasDisplay) console.log(`  No display to open a browser on: open ${url} in Chrome or Edge 113+ (WebGPU) on this machine.`);
