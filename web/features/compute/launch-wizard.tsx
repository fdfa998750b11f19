'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '@web/components/button';
import { Dialog } from '@web/components/dialog';
import { Input } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { flavorBlockedReason } from './flavor-fit';
import { formatBytes, formatMiB } from './format';
import { KeyPairStep } from './launch-key-pair-step';
import { ServerGroupStep, serverGroupLabel } from './launch-server-group-step';
import { Textarea } from './textarea';
import { showLaunched } from './use-instance-events';

const STEPS = ['Details', 'Source', 'Flavor', 'Access', 'Review'] as const;
type Step = (typeof STEPS)[number];
type Field = 'name' | 'count' | 'serverGroupId' | 'imageId' | 'flavorId' | 'keyName' | 'userData';
const STEP_OF: Record<Field, Step> = {
  name: 'Details',
  count: 'Details',
  serverGroupId: 'Details',
  imageId: 'Source',
  flavorId: 'Flavor',
  keyName: 'Access',
  userData: 'Access',
};

/** A service 400 names what it refused in words; this puts the message by the field it is about. */
function fieldOfMessage(message: string): Field | null {
  if (/server group|servers in group/i.test(message)) return 'serverGroupId';
  if (/flavor/i.test(message)) return 'flavorId';
  if (/image/i.test(message)) return 'imageId';
  if (/key_name|key pair/i.test(message)) return 'keyName';
  if (/user data/i.test(message)) return 'userData';
  if (/quota/i.test(message)) return 'flavorId';
  return null;
}

/** Name, count and server group → image → flavor (what the quota or the image rules out is greyed, with the reason) → key and user data → review. */
export function LaunchWizard({ onClose, initialImageId }: { onClose: () => void; initialImageId?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const images = useQuery(trpc.compute.images.bootable.queryOptions());
  const flavors = useQuery(trpc.compute.flavors.list.queryOptions());
  const usage = useQuery(trpc.compute.quota.usage.queryOptions());
  const groups = useQuery(trpc.compute.serverGroups.list.queryOptions());

  const [step, setStep] = useState<Step>('Details');
  const [name, setName] = useState('');
  const [count, setCount] = useState('1');
  // "Launch" on an image's row or page arrives with that image chosen
  const [imageId, setImageId] = useState(initialImageId ?? '');
  const [flavorId, setFlavorId] = useState('');
  const [keyName, setKeyName] = useState('');
  const [serverGroupId, setServerGroupId] = useState('');
  const [userData, setUserData] = useState('');
  const [local, setLocal] = useState<Partial<Record<Field, string>>>({});

  const n = Number(count);
  const image = images.data?.find((i) => i.id === imageId);
  const flavor = flavors.data?.find((f) => f.id === flavorId);
  const group = groups.data?.find((g) => g.id === serverGroupId);
  const launch = useMutation(
    trpc.compute.servers.create.mutationOptions({
      onSuccess(r) {
        toast.success(r.ids.length === 1 ? `Launching ${name}.` : `Launching ${r.ids.length} instances.`);
        showLaunched(queryClient, trpc.compute.servers.list.pathKey(), r.servers);
        void queryClient.invalidateQueries({ queryKey: trpc.compute.servers.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.compute.quota.usage.queryKey() });
        onClose();
      },
      onError(e) {
        const fields = fieldErrors(e);
        const first = (Object.keys(STEP_OF) as Field[]).find((f) => fields[f]);
        const byMessage = first ? null : fieldOfMessage(errorMessage(e));
        const target = first ?? byMessage;
        setLocal(byMessage ? { [byMessage]: errorMessage(e) } : {});
        if (target) setStep(STEP_OF[target]);
      },
    }),
  );
  const server = fieldErrors(launch.error);
  const errors: Partial<Record<Field, string>> = {
    ...Object.fromEntries((Object.keys(STEP_OF) as Field[]).map((f) => [f, server[f]])),
    ...local,
  };
  const unplaced = launch.error && !Object.values(errors).some(Boolean) ? errorMessage(launch.error) : undefined;

  /** The checks a step can make before the server sees anything; returns whether it may be left. */
  function check(s: Step): boolean {
    const e: Partial<Record<Field, string>> = {};
    if (s === 'Details') {
      if (!name.trim()) e.name = 'Enter a name.';
      if (!Number.isInteger(n) || n < 1 || n > 50) e.count = 'Enter a whole number from 1 to 50.';
    }
    if (s === 'Source' && !imageId) e.imageId = 'Choose an image.';
    if (s === 'Flavor') {
      if (!flavor) e.flavorId = 'Choose a flavor.';
      else {
        const why = flavorBlockedReason(flavor, image, usage.data, n);
        if (why) e.flavorId = why;
      }
    }
    setLocal(e);
    return Object.keys(e).length === 0;
  }
  const index = STEPS.indexOf(step);
  const next = (e: FormEvent) => {
    e.preventDefault();
    if (!check(step)) return;
    if (step !== 'Review') return setStep(STEPS[index + 1]!);
    launch.mutate({
      name: name.trim(),
      count: n,
      imageId,
      flavorId,
      keyName: keyName || null,
      userData: userData || null,
      serverGroupId: serverGroupId || null,
    });
  };

  return (
    <Dialog open onClose={onClose} title="Launch instance" description="Boot servers from an image, sized by a flavor.">
      <form className="form wizard" onSubmit={next} noValidate>
        <ol className="wizard__steps" aria-label="Steps">
          {STEPS.map((s, i) => (
            <li key={s} aria-current={s === step ? 'step' : undefined}>
              {i + 1}. {s}
            </li>
          ))}
        </ol>
        {step === 'Details' && (
          <>
            <Input
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={255}
              autoFocus
              autoComplete="off"
              error={errors.name}
            />
            <Input
              label="Count"
              type="number"
              min={1}
              max={50}
              value={count}
              onChange={(e) => setCount(e.target.value)}
              hint="More than one are named name-1, name-2, …"
              error={errors.count}
            />
            <ServerGroupStep value={serverGroupId} onChange={setServerGroupId} error={errors.serverGroupId} />
          </>
        )}
        {step === 'Source' && (
          <fieldset aria-describedby={errors.imageId ? 'image-error' : undefined}>
            <legend>Source image</legend>
            <div className="choice-list">
              {images.isPending && <p className="muted">Loading images…</p>}
              {images.data?.length === 0 && (
                <p className="muted">No images you can boot from yet: upload one on the Images page.</p>
              )}
              {images.data?.map((i) => (
                <label key={i.id} className="choice">
                  <input
                    type="radio"
                    name="image"
                    value={i.id}
                    checked={imageId === i.id}
                    onChange={() => setImageId(i.id)}
                  />
                  <span>
                    <strong>{i.name ?? i.id}</strong>
                    <span className="cell-sub">
                      {i.diskFormat ?? 'no format'} · {i.visibility}
                      {i.minRam ? ` · min ${formatMiB(i.minRam)} RAM` : ''}
                      {i.minDisk ? ` · min ${i.minDisk} GiB disk` : ''}
                    </span>
                  </span>
                  <span className="muted">{formatBytes(i.size)}</span>
                </label>
              ))}
            </div>
            {errors.imageId && (
              <p className="field__error" id="image-error">
                {errors.imageId}
              </p>
            )}
          </fieldset>
        )}
        {step === 'Flavor' && (
          <fieldset aria-describedby={errors.flavorId ? 'flavor-error' : undefined}>
            <legend>Flavor</legend>
            <div className="choice-list">
              {flavors.data?.map((f) => {
                const why = flavorBlockedReason(f, image, usage.data, n);
                return (
                  <label key={f.id} className="choice">
                    <input
                      type="radio"
                      name="flavor"
                      value={f.id}
                      checked={flavorId === f.id}
                      disabled={!!why}
                      aria-describedby={why ? `why-${f.id}` : undefined}
                      onChange={() => setFlavorId(f.id)}
                    />
                    <span>
                      <strong>{f.name}</strong>
                      <span className="cell-sub">
                        {f.vcpus} vCPU · {formatMiB(f.ramMb)} RAM · {f.diskGb} GiB disk
                      </span>
                    </span>
                    {why ? (
                      <span className="choice__reason" id={`why-${f.id}`}>
                        {why}
                      </span>
                    ) : (
                      <span />
                    )}
                  </label>
                );
              })}
            </div>
            {errors.flavorId && (
              <p className="field__error" id="flavor-error">
                {errors.flavorId}
              </p>
            )}
          </fieldset>
        )}
        {step === 'Access' && (
          <>
            <KeyPairStep value={keyName} onChange={setKeyName} error={errors.keyName} />
            <Textarea
              label="User data"
              value={userData}
              onChange={(e) => setUserData(e.target.value)}
              placeholder={'#cloud-config\npackages: [nginx]'}
              hint="A script or cloud-config the instance runs at first boot. Optional."
              error={errors.userData}
            />
          </>
        )}
        {step === 'Review' && (
          <dl className="summary" aria-label="Summary">
            <dt>Name</dt>
            <dd>{n > 1 ? `${name.trim()}-1 … ${name.trim()}-${n}` : name.trim()}</dd>
            <dt>Count</dt>
            <dd>{n}</dd>
            <dt>Image</dt>
            <dd>
              {image
                ? `${image.name ?? image.id} (${image.diskFormat ?? 'no format'}, ${formatBytes(image.size)})`
                : '—'}
            </dd>
            <dt>Flavor</dt>
            <dd>
              {flavor
                ? `${flavor.name}: ${flavor.vcpus} vCPU, ${formatMiB(flavor.ramMb)} RAM, ${flavor.diskGb} GiB disk`
                : '—'}
            </dd>
            <dt>Server group</dt>
            <dd>{group ? serverGroupLabel(group) : 'None'}</dd>
            <dt>Key pair</dt>
            <dd>{keyName || 'None'}</dd>
            <dt>User data</dt>
            <dd>{userData ? `${userData.split('\n').length} line(s)` : 'None'}</dd>
            {flavor && (
              <>
                <dt>Uses</dt>
                <dd>
                  {flavor.vcpus * n} vCPU, {formatMiB(flavor.ramMb * n)} RAM of the project’s quota
                </dd>
              </>
            )}
          </dl>
        )}
        {unplaced && (
          <p className="form__error" role="alert">
            {unplaced}
          </p>
        )}
        <div className="dialog__actions">
          <Button onClick={onClose} disabled={launch.isPending}>
            Cancel
          </Button>
          {index > 0 && (
            <Button onClick={() => setStep(STEPS[index - 1]!)} disabled={launch.isPending}>
              Back
            </Button>
          )}
          <Button type="submit" variant="primary" loading={launch.isPending}>
            {step === 'Review' ? 'Launch' : 'Next'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
