// Three test projects: the backend (node, real MariaDB/Redis in test/integration), the extension (WXT plugin),
// and e2e (the built extension in Chromium against an in-process backend; test/e2e).
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    // Integration files each make their own database; two at a time suits a 2-core machine.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'backend',
          environment: 'node',
          include: ['backend/**/*.test.ts', 'shared/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/helpdesks/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [WxtVitest()],
        test: {
          name: 'extension',
          environment: 'jsdom',
          include: ['extension/**/*.test.ts', 'extension/**/*.test.tsx'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // Builds the extension once per run and provides the copy the browsers load.
          globalSetup: ['test/e2e/support/global-setup.ts'],
          // One file at a time, after the other projects (vitest runs single-worker projects last):
          // each file drives one or two Chromiums, and the machine has two cores.
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
