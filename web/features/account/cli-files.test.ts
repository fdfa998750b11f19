import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appCredentialCloudsYaml,
  appCredentialOpenrc,
  fileSafe,
  passwordCloudsYaml,
  passwordOpenrc,
  shellQuote,
  type TCliTarget,
} from './cli-files';

const NASTY = `it's "$HOME" \`id\` \\ $(touch /tmp/pwned) 🚀\nrm -rf ~`;
const target: TCliTarget = {
  authUrl: 'http://127.0.0.1:5000/identity/v3',
  regionName: 'RegionOne',
  interface: 'public',
  project: { id: 'p-1', name: NASTY, domainId: 'default', domainName: 'Default' },
  user: { name: `o'brien ${NASTY}`, domainName: 'Default' },
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openrc-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Sources the script in a clean bash with `stdin` typed in, and returns the OS_* variables it left. */
function source(script: string, stdin = ''): Record<string, string> {
  const file = path.join(dir, `rc-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, script);
  const out = execFileSync('bash', ['--noprofile', '--norc', '-c', `. "$1" 2>/dev/null && env -0`, 'bash', file], {
    input: stdin,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, OS_TOKEN: 'stale', OS_TENANT_NAME: 'old' },
  }).toString();
  return Object.fromEntries(
    out
      .split('\0')
      .filter((kv) => kv.startsWith('OS_'))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

const yaml = (text: string) =>
  JSON.parse(
    execFileSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
      input: text,
    }).toString(),
  );

describe('openrc and clouds.yaml', () => {
  it('quotes any string into one shell word that stands for exactly it', () => {
    for (const s of ['', "'", "''", NASTY, 'plain']) {
      expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(s)}`]).toString()).toBe(s);
    }
  });

  it('sets the v3 variables exactly, runs nothing from the names, and reads the password from the prompt', () => {
    const env = source(passwordOpenrc(target), 's3cret pass\n');
    expect(env).toEqual({
      OS_AUTH_URL: target.authUrl,
      OS_PROJECT_ID: 'p-1',
      OS_PROJECT_NAME: NASTY,
      OS_PROJECT_DOMAIN_ID: 'default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_USERNAME: target.user.name,
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
      OS_IDENTITY_API_VERSION: '3',
      OS_PASSWORD: 's3cret pass',
    });
    expect(fs.existsSync('/tmp/pwned')).toBe(false);
    expect(passwordOpenrc(target)).toContain('read -sr OS_PASSWORD');
  });

  it('signs in with an application credential alone, clearing the password variables', () => {
    const env = source(appCredentialOpenrc(target, { id: 'ac-1', name: NASTY, secret: "s'$x" }));
    expect(env).toEqual({
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_AUTH_URL: target.authUrl,
      OS_APPLICATION_CREDENTIAL_ID: 'ac-1',
      OS_APPLICATION_CREDENTIAL_SECRET: "s'$x",
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
      OS_IDENTITY_API_VERSION: '3',
    });
  });

  it('writes clouds.yaml that a YAML parser reads back to the same values', () => {
    expect(yaml(passwordCloudsYaml(target)).clouds.cumulo).toEqual({
      auth: {
        auth_url: target.authUrl,
        username: target.user.name,
        user_domain_name: 'Default',
        project_id: 'p-1',
        project_name: NASTY,
        project_domain_id: 'default',
        project_domain_name: 'Default',
      },
      region_name: 'RegionOne',
      interface: 'public',
      identity_api_version: 3,
    });
    const app = yaml(appCredentialCloudsYaml(target, { id: 'ac-1', name: NASTY, secret: 'x: "#y' })).clouds.cumulo;
    expect(app.auth_type).toBe('v3applicationcredential');
    expect(app.auth).toEqual({
      auth_url: target.authUrl,
      application_credential_id: 'ac-1',
      application_credential_secret: 'x: "#y',
    });
  });

  it('makes file names without path separators or leading dots', () => {
    expect(fileSafe('../etc/passwd')).toBe('etc_passwd');
    expect(fileSafe('🚀')).toBe('openstack');
    expect(fileSafe('demo-1')).toBe('demo-1');
  });
});
