import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@server': path.resolve(__dirname, 'server'),
      '@agents': path.resolve(__dirname, 'agents'),
      '@web': path.resolve(__dirname, 'web'),
      '@tests': path.resolve(__dirname, 'tests'),
    },
  },
  test: {
    include: ['server/**/*.test.ts', 'bench/**/*.test.ts', 'agents/**/*.test.ts', 'tests/**/*.test.ts', 'web/**/*.test.ts', 'web/**/*.test.tsx'],
    exclude: ['**/node_modules/**', 'web/.next/**'],
    env: { NODE_ENV: 'test' },
    setupFiles: ['./tests/setup/file-cleanup.ts', './tests/setup/quiet-logs.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
});
