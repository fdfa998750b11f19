import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// Only `prisma generate` and `prisma migrate diff` between schema files are used, on the WASM engines. The JS
// engine mode insists on a live connection even for a file-to-file diff, so it gets one to any PostgreSQL
// (it changes nothing there). Migrations are applied by server/db/migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  engine: 'js',
  experimental: { adapter: true },
  adapter: async () =>
    new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
      allowExitOnIdle: true,
    }),
});
