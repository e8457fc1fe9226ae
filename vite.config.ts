/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { playwright } from '@vitest/browser-playwright';

/** Debian's Chromium: the tests never download a browser. Override with CHROMIUM_PATH. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// SwiftShader emulates the GPU on the CPU: kernels that take microseconds on hardware take seconds here.
const GPU_TEST_TIMEOUT_MS = 120_000;

export default defineConfig({
  server: { host: '127.0.0.1' },
  test: {
    testTimeout: GPU_TEST_TIMEOUT_MS,
    hookTimeout: GPU_TEST_TIMEOUT_MS,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.browser.test.ts'],
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.node.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            // 127.0.0.1 is a secure context, which WebGPU requires.
            api: { host: '127.0.0.1' },
            provider: playwright({
              launchOptions: {
                executablePath: chromiumPath,
                args: [
                  '--enable-unsafe-webgpu',
                  '--no-sandbox',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  '--no-first-run',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
