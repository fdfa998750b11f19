#!/usr/bin/env node
// First step of `npm start` and `npm test`: brings a fresh clone (or a stale tree) to a runnable state, doing only
// what is out of date. Plain Node with no dependencies, because it runs before node_modules may exist.
//   --build-web         also build the dashboard (next build web) when web/, public/ or next.config.js changed
//   --apt pkg1,pkg2     as root on Debian, apt-get install the packages that are missing
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const args = process.argv.slice(2);
const buildWeb = args.includes('--build-web');
const aptIndex = args.indexOf('--apt');
const aptPackages = aptIndex >= 0 ? (args[aptIndex + 1] ?? '').split(',').filter(Boolean) : [];

const say = (msg) => console.log(`ensure-ready: ${msg}`);
/** Needed by `npm ci` itself: @unraid/libvirt has no prebuilt binary we can download, so node-gyp builds it. */
const BUILD_PACKAGES = ['libvirt-dev', 'pkg-config', 'build-essential', 'python3'];

function run(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(
      `ensure-ready: \`${[cmd, ...argv].join(' ')}\` failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`,
    );
    process.exit(1);
  }
}

const mtime = (p) => {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return undefined;
  }
};

/** Newest mtime of the files under `p` (not following symlinks), skipping names in `skip`. */
function newest(p, skip = new Set()) {
  let st;
  try {
    st = fs.lstatSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) if (!skip.has(e)) max = Math.max(max, newest(path.join(p, e), skip));
  return max;
}

// 0. Debian packages: what native npm modules build against (the libvirt binding compiles from source against
// libvirt-dev, so this comes before `npm ci`), plus those the compatibility and browser tests drive (--apt)
{
  const wanted = [...BUILD_PACKAGES, ...aptPackages];
  const missing = wanted.filter((p) => {
    const r = spawnSync('dpkg', ['-s', p], { encoding: 'utf8' });
    return r.status !== 0 || !/^Status: install ok installed$/m.test(r.stdout);
  });
  if (!missing.length) {
    say(`Debian packages present: ${wanted.join(', ')}`);
  } else if (process.getuid?.() !== 0 || !fs.existsSync('/etc/debian_version')) {
    say(`missing ${missing.join(', ')} (install them as root: apt-get install -y ${missing.join(' ')}); continuing`);
  } else {
    say(`installing ${missing.join(', ')} with apt-get`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update'], env);
    run('apt-get', ['install', '-y', ...missing], env);
  }
}

// 1. Dependencies
const installed = mtime('node_modules/.package-lock.json');
if (installed === undefined) {
  say('node_modules missing: npm ci');
  run('npm', ['ci']);
} else if (mtime('package-lock.json') > installed) {
  say('package-lock.json changed since the last install: npm ci');
  run('npm', ['ci']);
} else {
  say('dependencies up to date');
}

// 2. Prisma client (generated into a git-ignored folder)
const generated = newest('server/db/generated');
if (!generated || generated < mtime('prisma/schema.prisma')) {
  say(generated ? 'prisma/schema.prisma changed: prisma generate' : 'Prisma client missing: prisma generate');
  run(process.execPath, ['scripts/prisma.mjs', 'generate']);
} else {
  say('Prisma client up to date');
}

// 3. Dashboard build
if (buildWeb) {
  if (!newest('web/app')) {
    say('web/app has no files yet: skipping the dashboard build');
  } else {
    const built = mtime('web/.next/BUILD_ID') ?? 0;
    // web/public links to public/, which is counted once; server/lib is bundled into pages that import it.
    const sources = Math.max(
      newest('web', new Set(['.next', 'node_modules', 'public', 'next-env.d.ts'])),
      newest('public'),
      ...['next.config.js', 'tsconfig.json', 'package-lock.json'].map((f) => mtime(f) ?? 0),
      newest('server/lib'),
    );
    if (built < sources) {
      say(built ? 'dashboard sources changed: next build web' : 'dashboard not built yet: next build web');
      run('npx', ['next', 'build', 'web'], { NEXT_TELEMETRY_DISABLED: '1' });
    } else {
      say('dashboard build up to date');
    }
  }
}
