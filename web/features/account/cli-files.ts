/**
 * The files the OpenStack command-line tools read: an openrc shell script and a clouds.yaml, for the signed-in user
 * on the current project (their password asked for when the script is sourced, never written down) or for an
 * application credential (its secret written in: the file is the credential). Pure string building.
 */

export type TCliTarget = {
  authUrl: string;
  regionName: string;
  interface: string;
  project: { id: string; name: string; domainId: string; domainName: string };
  user: { name: string; domainName: string };
};

export type TAppCredentialSecret = { id: string; name: string; secret: string };

/**
 * One shell word that stands for exactly `s`: inside single quotes nothing is special ($, `, ", \, spaces, emoji,
 * newlines), so only the single quote itself needs care: close, an escaped quote, reopen.
 */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A YAML double-quoted scalar for `s`. JSON's string syntax is a subset of YAML's double-quoted style, so JSON's
 * escaping is safe here, whatever the name holds (": ", "#", quotes, a leading "*").
 */
const yamlQuote = (s: string) => JSON.stringify(s);

const exportLine = (name: string, value: string) => `export ${name}=${shellQuote(value)}`;

/** The variables of another way to sign in, which the clients would otherwise mix into this one. */
const CLEARED_PASSWORD_VARS = [
  'OS_TENANT_ID',
  'OS_TENANT_NAME',
  'OS_AUTH_TYPE',
  'OS_APPLICATION_CREDENTIAL_ID',
  'OS_APPLICATION_CREDENTIAL_SECRET',
  'OS_APPLICATION_CREDENTIAL_NAME',
  'OS_TOKEN',
];
const CLEARED_APP_CREDENTIAL_VARS = [
  'OS_TENANT_ID',
  'OS_TENANT_NAME',
  'OS_USERNAME',
  'OS_PASSWORD',
  'OS_USER_DOMAIN_NAME',
  'OS_USER_DOMAIN_ID',
  'OS_PROJECT_ID',
  'OS_PROJECT_NAME',
  'OS_PROJECT_DOMAIN_ID',
  'OS_PROJECT_DOMAIN_NAME',
  'OS_TOKEN',
];

/** `source` it in bash: it sets the Identity v3 variables, then asks for the password without echoing it. */
export function passwordOpenrc(t: TCliTarget): string {
  return [
    '#!/usr/bin/env bash',
    `# Credentials for the OpenStack command-line tools: ${oneLine(t.user.name)} on project ${oneLine(t.project.name)}.`,
    '# Use it with ". ./this-file" or "source this-file"; it asks for your password, which it does not contain.',
    `unset ${CLEARED_PASSWORD_VARS.join(' ')}`,
    exportLine('OS_AUTH_URL', t.authUrl),
    exportLine('OS_PROJECT_ID', t.project.id),
    exportLine('OS_PROJECT_NAME', t.project.name),
    exportLine('OS_PROJECT_DOMAIN_ID', t.project.domainId),
    exportLine('OS_PROJECT_DOMAIN_NAME', t.project.domainName),
    exportLine('OS_USER_DOMAIN_NAME', t.user.domainName),
    exportLine('OS_USERNAME', t.user.name),
    exportLine('OS_REGION_NAME', t.regionName),
    exportLine('OS_INTERFACE', t.interface),
    "export OS_IDENTITY_API_VERSION='3'",
    // the prompt goes to stderr, so "source openrc > log" still shows it
    'printf "Password for %s on project %s: " "$OS_USERNAME" "$OS_PROJECT_NAME" >&2',
    'read -sr OS_PASSWORD',
    'printf "\\n" >&2',
    'export OS_PASSWORD',
    '',
  ].join('\n');
}

/** `source` it in bash: the application credential alone signs in (it is bound to its project). */
export function appCredentialOpenrc(
  t: Pick<TCliTarget, 'authUrl' | 'regionName' | 'interface'>,
  c: TAppCredentialSecret,
): string {
  return [
    '#!/usr/bin/env bash',
    `# Application credential ${oneLine(c.name)} for the OpenStack command-line tools. It holds the secret: keep it private.`,
    `unset ${CLEARED_APP_CREDENTIAL_VARS.join(' ')}`,
    "export OS_AUTH_TYPE='v3applicationcredential'",
    exportLine('OS_AUTH_URL', t.authUrl),
    exportLine('OS_APPLICATION_CREDENTIAL_ID', c.id),
    exportLine('OS_APPLICATION_CREDENTIAL_SECRET', c.secret),
    exportLine('OS_REGION_NAME', t.regionName),
    exportLine('OS_INTERFACE', t.interface),
    "export OS_IDENTITY_API_VERSION='3'",
    '',
  ].join('\n');
}

/** The cloud's name in clouds.yaml, for `openstack --os-cloud cumulo`. */
export const CLOUD_NAME = 'cumulo';

/** clouds.yaml for the user on the project; the password is left out (the tools ask, or it goes in secure.yaml). */
export function passwordCloudsYaml(t: TCliTarget): string {
  return [
    '# For the OpenStack tools: save as ~/.config/openstack/clouds.yaml, then run "openstack --os-cloud cumulo ...".',
    '# Your password is not in it: add "password:" under auth, or keep it in secure.yaml beside this file.',
    'clouds:',
    `  ${CLOUD_NAME}:`,
    '    auth:',
    `      auth_url: ${yamlQuote(t.authUrl)}`,
    `      username: ${yamlQuote(t.user.name)}`,
    `      user_domain_name: ${yamlQuote(t.user.domainName)}`,
    `      project_id: ${yamlQuote(t.project.id)}`,
    `      project_name: ${yamlQuote(t.project.name)}`,
    `      project_domain_id: ${yamlQuote(t.project.domainId)}`,
    `      project_domain_name: ${yamlQuote(t.project.domainName)}`,
    `    region_name: ${yamlQuote(t.regionName)}`,
    `    interface: ${yamlQuote(t.interface)}`,
    '    identity_api_version: 3',
    '',
  ].join('\n');
}

export function appCredentialCloudsYaml(
  t: Pick<TCliTarget, 'authUrl' | 'regionName' | 'interface'>,
  c: TAppCredentialSecret,
): string {
  return [
    `# Application credential ${oneLine(c.name)}: it holds the secret, keep it private.`,
    'clouds:',
    `  ${CLOUD_NAME}:`,
    '    auth_type: "v3applicationcredential"',
    '    auth:',
    `      auth_url: ${yamlQuote(t.authUrl)}`,
    `      application_credential_id: ${yamlQuote(c.id)}`,
    `      application_credential_secret: ${yamlQuote(c.secret)}`,
    `    region_name: ${yamlQuote(t.regionName)}`,
    `    interface: ${yamlQuote(t.interface)}`,
    '    identity_api_version: 3',
    '',
  ].join('\n');
}

/** A name inside a comment line: a newline in it would end the comment and start a command. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/** A file name from a project or credential name: anything unsafe in a file name replaced. */
export const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '') || 'openstack';
