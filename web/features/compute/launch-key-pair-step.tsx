'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { Input, Select } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { downloadText, keyFileName } from './download';

/** The wizard's key pair: pick one of the user's, or create one here (its private key downloads once, then is gone). */
export function KeyPairStep({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (name: string) => void;
  error?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const keys = useQuery(trpc.compute.keypairs.list.queryOptions());
  const [newName, setNewName] = useState('');
  const create = useMutation(
    trpc.compute.keypairs.create.mutationOptions({
      onSuccess(r) {
        downloadText(keyFileName(r.keypair.name), r.privateKey);
        void queryClient.invalidateQueries({ queryKey: trpc.compute.keypairs.list.queryKey() });
        onChange(r.keypair.name);
        setNewName('');
        toast.success(
          `Key pair ${r.keypair.name} created; its private key was downloaded and is not kept anywhere else.`,
        );
      },
    }),
  );
  const createError = create.error ? (fieldErrors(create.error).name ?? errorMessage(create.error)) : undefined;
  const options = (keys.data ?? []).map((k) => ({ value: k.name, label: k.name }));
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });

  return (
    <>
      <Select
        label="Key pair"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        options={options}
        placeholder="None (no SSH key injected)"
        hint="Its public key is put in the instance for SSH."
        error={error}
      />
      <div className="inline-create">
        <Input
          label="Or create a key pair"
          value={newName}
          onChange={(e) => setNewName(e.target.value)}
          maxLength={255}
          autoComplete="off"
          error={createError}
          // Enter here creates the key rather than submitting the wizard's step
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            if (newName.trim()) create.mutate({ name: newName.trim() });
          }}
        />
        <Button
          onClick={() => create.mutate({ name: newName.trim() })}
          disabled={!newName.trim()}
          loading={create.isPending}
        >
          Create and download
        </Button>
      </div>
    </>
  );
}
