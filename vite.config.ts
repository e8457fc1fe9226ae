/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_PATH, WEBGPU_CHROMIUM_ARGS } from './tests/helpers/chromium.ts';

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
          exclude: ['tests/**/*.browser.test.ts', 'tests/e2e/**'],
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.node.test.ts', 'tests/e2e/**'],
          browser: {
            enabled: true,
            headless: true,
            // 127.0.0.1 is a secure context, which WebGPU requires.
            api: { host: '127.0.0.1' },
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM_PATH,
                args: WEBGPU_CHROMIUM_ARGS,
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          // The app end to end: a Vite server on 127.0.0.1 and Playwright driving Debian's Chromium.
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
