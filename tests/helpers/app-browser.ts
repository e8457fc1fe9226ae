/**
 * The app in a real browser for end-to-end tests and the UI benchmark: a Vite dev server on
 * 127.0.0.1 (a secure context, which WebGPU needs) and Playwright driving Debian's Chromium.
 */
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { CHROMIUM_PATH, WEBGPU_CHROMIUM_ARGS } from './chromium';

export interface AppBrowser {
  readonly baseUrl: string;
  readonly browser: Browser;
  /** A new page; its console errors and uncaught exceptions collect in `errors`. */
  open(search?: string, options?: { viewport?: { width: number; height: number }; initScript?: () => void }): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function startAppBrowser(options: { webgpu?: boolean } = {}): Promise<AppBrowser> {
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: process.cwd(),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 4173 + Math.floor(Math.random() * 20000), strictPort: false, hmr: false },
  });
  await server.listen();
  const baseUrl = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  const args = options.webgpu === false ? [...WEBGPU_CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU'] : WEBGPU_CHROMIUM_ARGS;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
  return {
    baseUrl,
    browser,
    async open(search = '', openOptions = {}) {
      const page = await browser.newPage({ viewport: openOptions.viewport ?? { width: 1400, height: 1000 }, acceptDownloads: true });
      const errors: string[] = [];
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
      if (openOptions.initScript) await page.addInitScript(openOptions.initScript);
      await page.goto(`${baseUrl}/${search}`);
      return { page, errors };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
