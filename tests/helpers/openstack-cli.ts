import { execFile } from 'node:child_process';
import type { TestStack } from './stack';

export type CliAuth = { user?: string; password?: string; project?: string; domain?: string };

/** Verbs whose output openstackclient can print as JSON; the others (set, delete, add, remove, revoke) print nothing. */
const JSON_VERBS = new Set(['list', 'show', 'create', 'issue']);

/** Whether the command (its first words after any global `--os-x value` options, e.g. `role assignment list`) prints JSON. */
function wantsJson(args: string[]): boolean {
  let i = 0;
  while (args[i]?.startsWith('--os-')) i += args[i]!.includes('=') ? 1 : 2;
  const words: string[] = [];
  for (const a of args.slice(i, i + 3)) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  return words.some((w) => JSON_VERBS.has(w)) && !args.includes('-f');
}

/**
 * Runs the real `openstack` CLI (python3-openstackclient, unmodified) against a test stack, signed in as the
 * bootstrap admin unless told otherwise. Nothing is inherited from the caller's OS_* variables. Returns the parsed
 * JSON for commands that print it (`-f json` is added), else the trimmed stdout; throws with stderr on failure.
 * A command that picks its own auth (`--os-auth-type ...`) gets only the endpoint from the environment.
 */
export function openstack<T = unknown>(stack: TestStack, args: string[], opts: CliAuth = {}): Promise<T> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_') && v !== undefined) env[k] = v;
  Object.assign(env, {
    OS_AUTH_URL: stack.identityUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_INTERFACE: 'public',
    OS_REGION_NAME: 'RegionOne',
  });
  if (!args.some((a) => a.startsWith('--os-auth-type'))) {
    const domain = opts.domain ?? 'Default';
    Object.assign(env, {
      OS_AUTH_TYPE: 'password',
      OS_USERNAME: opts.user ?? 'admin',
      OS_PASSWORD: opts.password ?? stack.adminPassword,
      OS_PROJECT_NAME: opts.project ?? 'admin',
      OS_USER_DOMAIN_NAME: domain,
      OS_PROJECT_DOMAIN_NAME: domain,
    });
  }
  const json = wantsJson(args);
  const argv = json ? [...args, '-f', 'json'] : args;
  return new Promise((resolve, reject) => {
    execFile('openstack', argv, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(
          new Error(
            `openstack ${argv.join(' ')} failed (exit ${err.code ?? err.signal}): ${stderr.trim() || stdout.trim()}`,
          ),
        );
        return;
      }
      if (!json) return resolve(stdout.trim() as T);
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`openstack ${argv.join(' ')} printed no JSON: ${stdout.trim()} ${stderr.trim()}`));
      }
    });
  });
}
