// Two test projects: the backend (node, real MariaDB/Redis in test/integration) and the extension (WXT plugin).
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
          include: ['backend/**/*.test.ts', 'shared/**/*.test.ts', 'test/integration/**/*.test.ts'],
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
    ],
  },
});
