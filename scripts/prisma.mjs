#!/usr/bin/env node
// Runs the Prisma CLI without its native engines. We use the query compiler (WASM, shipped in npm) with the pg
// driver adapter, and the WASM schema engine for `migrate diff`, so nothing needs the binaries the CLI would
// otherwise try to download at start (this machine reaches only the npm registry). Pointing the engine variables
// at an existing file tells the CLI not to fetch them; they are never executed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1', PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_QUERY_ENGINE_LIBRARY: process.execPath };
const r = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
