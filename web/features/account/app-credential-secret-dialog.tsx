'use client';

import { Button } from '@web/components/button';
import { Dialog } from '@web/components/dialog';
import { downloadText } from '@web/features/compute/download';
import type { TCliTarget } from './cli-files';
import { appCredentialCloudsYaml, appCredentialOpenrc, fileSafe } from './cli-files';
import type { TCreatedAppCredential } from './create-app-credential-dialog';

/** The new credential's id and secret, shown this once, with the files that use them. */
export function AppCredentialSecretDialog({
  created,
  target,
  onClose,
}: {
  created: TCreatedAppCredential;
  target: TCliTarget | undefined;
  onClose: () => void;
}) {
  const c = { id: created.credential.id, name: created.credential.name, secret: created.secret };
  const base = fileSafe(c.name);
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Application credential ${c.name} created`}
      description="Copy the secret or download a file now: it is shown only this once, and Cumulo keeps only its hash."
    >
      <dl className="secret">
        <dt>ID</dt>
        <dd className="mono" data-testid="app-credential-id">
          {c.id}
        </dd>
        <dt>Secret</dt>
        <dd className="mono" data-testid="app-credential-secret">
          {c.secret}
        </dd>
      </dl>
      <div className="dialog__actions secret__actions">
        <Button
          disabled={!target}
          onClick={() =>
            target && downloadText(`${base}-openrc.sh`, appCredentialOpenrc(target, c), 'text/x-shellscript')
          }
        >
          Download openrc
        </Button>
        <Button
          disabled={!target}
          onClick={() => target && downloadText('clouds.yaml', appCredentialCloudsYaml(target, c), 'application/yaml')}
        >
          Download clouds.yaml
        </Button>
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      </div>
    </Dialog>
  );
}
