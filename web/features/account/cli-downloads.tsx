'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { useToast } from '@web/components/toast';
import { downloadText } from '@web/features/compute/download';
import { errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { fileSafe, passwordCloudsYaml, passwordOpenrc, type TCliTarget } from './cli-files';
import './account.css';

type Kind = 'openrc' | 'clouds.yaml';

const FILES: Record<Kind, { name: (t: TCliTarget) => string; build: (t: TCliTarget) => string; type: string }> = {
  openrc: { name: (t) => `${fileSafe(t.project.name)}-openrc.sh`, build: passwordOpenrc, type: 'text/x-shellscript' },
  'clouds.yaml': { name: () => 'clouds.yaml', build: passwordCloudsYaml, type: 'application/yaml' },
};

/**
 * Downloads an openrc or clouds.yaml for the signed-in user on the current project. Built in the browser from what
 * the server says about the session; neither holds the password.
 */
export function CliDownloads({ size = 'md' }: { size?: 'sm' | 'md' }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [pending, setPending] = useState<Kind | null>(null);
  const download = async (kind: Kind) => {
    setPending(kind);
    try {
      const target = await queryClient.fetchQuery(trpc.account.cliTarget.queryOptions());
      const f = FILES[kind];
      downloadText(f.name(target), f.build(target), f.type);
    } catch (e) {
      toast.error(`The ${kind} file could not be made: ${errorMessage(e)}`);
    } finally {
      setPending(null);
    }
  };
  return (
    <>
      <Button size={size} onClick={() => void download('openrc')} loading={pending === 'openrc'}>
        Download openrc
      </Button>
      <Button size={size} onClick={() => void download('clouds.yaml')} loading={pending === 'clouds.yaml'}>
        Download clouds.yaml
      </Button>
    </>
  );
}
