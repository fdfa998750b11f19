import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Layering rules from STYLE.md §3: agents act on their host with what messages carry, and the dashboard talks to the
// server only through tRPC, so neither may reach the database or the domain services.
const serverInternals = {
  paths: [{ name: '@prisma/client', message: 'Only server/db and repositories use Prisma.' }],
  patterns: [
    {
      group: ['@prisma/client/*', '**/db/generated/**'],
      message: 'Only server/db and repositories use Prisma.',
    },
    {
      group: ['@server/db', '@server/db/**', '**/server/db', '**/server/db/**'],
      message: 'Agents and the dashboard never touch the database: go through RPC (agents) or tRPC (web).',
    },
    {
      group: ['@server/services', '@server/services/**', '**/server/services', '**/server/services/**'],
      message: 'Agents report through conductor RPC; the dashboard calls tRPC. Neither imports a domain service.',
    },
  ],
};

export default defineConfig(
  globalIgnores(['node_modules/', 'web/.next/', 'server/db/generated/', '.stack/', 'test-results/']),
  tseslint.configs.recommended,
  {
    files: ['agents/**', 'web/**'],
    rules: { 'no-restricted-imports': ['error', serverInternals] },
  },
);
