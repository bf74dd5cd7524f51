import { defineConfig } from 'vitest/config';

/**
 * Three projects: pure unit tests; integration tests through HTTP on a real database (the engine is
 * chosen by ZX_TEST_ENGINE, and scripts/test.mjs runs them once per engine); browser tests in Chromium.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Every answer is also written by zod and compared with the compiled serialiser (http/serializer.ts).
          env: { ZX_CHECK_RESPONSES: '1' },
          // Generous: a fresh database with the demo year loads in seconds, but a busy 2-core machine may
          // take ten times that; these are limits for hangs, not speed checks.
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          env: { ZX_CHECK_RESPONSES: '1' },
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
