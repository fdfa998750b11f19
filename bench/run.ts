/**
 * `npm run bench -- <area> [options]`: runs one area's benchmarks and prints its figures; with `--write` the area
 * records them in docs/benchmarks.md. An area registers itself below as a module exporting
 * `run(args: string[]): Promise<void>` (args: what follows the area name; `--help` lists an area's options).
 */
type Area = { run(args: string[]): Promise<void> };

const areas: Record<string, { what: string; load: () => Promise<Area> }> = {
  identity: {
    what: 'token issue (password) and validation over HTTP: req/s, p50/p99 at concurrency 1, 8, 32',
    load: () => import('./identity.bench'),
  },
  image: {
    what: 'image upload and download (1 and 4 GiB) through the Glance v2 API: MB/s against dd, server peak RSS',
    load: () => import('./image.bench'),
  },
  compute: {
    what: 'boot and delete N servers at concurrency C on H simulated hosts (API→ACTIVE, builds/s, double-booking), real tiny VM',
    load: () => import('./compute.bench'),
  },
  dashboard: {
    what: 'the instances page with 1,000 instances in chromium: load → interactive, interactions, first-load JavaScript',
    load: () => import('./dashboard.bench'),
  },
};

function usage(): string {
  const names = Object.entries(areas).map(([name, a]) => `  ${name.padEnd(16)}${a.what}`);
  return [
    'usage: npm run bench -- <area> [options]   (npm run bench -- <area> --help for its options)',
    'areas:',
    ...(names.length ? names : ['  (none yet)']),
  ].join('\n');
}

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const area = areas[name];
  if (!area) {
    console.error(`unknown benchmark area "${name}"\n${usage()}`);
    return 2;
  }
  await (await area.load()).run(process.argv.slice(3));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('bench failed:', e);
    process.exit(1);
  },
);
