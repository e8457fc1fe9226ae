#!/usr/bin/env node
// `npm start`: the app on http://127.0.0.1:5173 (a secure origin, which WebGPU needs), opened in a browser when
// there is a display to open one on; without one (a server, a container) it says where to point a browser.
import { createServer } from 'vite';

const server = await createServer({ server: { host: '127.0.0.1', port: 5173 } });
await server.listen();
server.printUrls();
const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (hasDisplay) server.openBrowser();
else console.log(`  No display to open a browser on: open ${url} in Chrome or Edge 113+ (WebGPU) on this machine.`);
