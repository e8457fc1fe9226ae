/**
 * What `npm start` serves (bin/app-server.js): the production build, one bundled script instead of the sources'
 * modules, with the data files that presets fetch by path (data/digits.csv) beside it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, serveApp } from '../../bin/app-server.js';

const outDir = mkdtempSync(join(tmpdir(), 'gradflow-app-server-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the app npm start serves', () => {
  it('is one bundled script loaded by index.html, served with the data folder', async () => {
    await buildApp({ outDir, logLevel: 'silent' });
    const server = await serveApp({ outDir, port: 4173 + Math.floor(Math.random() * 20000), logLevel: 'silent' });
    try {
      const base = server.resolvedUrls!.local[0]!;
      const page = await (await fetch(base)).text();
      expect(page).toContain('<gradflow-app>');
      const scripts = [...page.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1]!);
      expect(scripts).toHaveLength(1);
      expect(scripts[0]).toMatch(/^\/assets\/.+\.js$/);
      const bundle = await fetch(new URL(scripts[0]!, base));
      expect(bundle.status).toBe(200);
      expect(await bundle.text()).not.toMatch(/\bimport\s*["'{]/); // no module left to fetch
      const digits = await fetch(new URL('data/digits.csv', base));
      expect(digits.status).toBe(200);
      expect(await digits.text()).toBe(readFileSync('data/digits.csv', 'utf8'));
    } finally {
      await server.close();
    }
  });
});
