'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@web/components/button';
import { Dialog } from '@web/components/dialog';
import { Checkbox, Input, Select } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { useSession } from '@web/features/session/use-session';
import { fieldErrors, formError } from '@web/lib/errors';
import { checked, text } from '@web/lib/form-data';
import { useTRPC, type RouterInputs } from '@web/lib/trpc';
import { DISK_FORMAT_OPTIONS, formatBytes, parseProperties, propertiesText, visibilityOptions } from './format';
import { putImageFile, UploadError, type UploadProgress } from './put-image-file';
import { TextArea } from './textarea';

type TCreate = RouterInputs['images']['create'];

/** A guess of the disk format from the file name, so the usual case needs no choice. */
const formatOf = (fileName: string) => {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  return DISK_FORMAT_OPTIONS.some((o) => o.value === ext) ? ext : ext === 'img' ? 'qcow2' : 'raw';
};

/**
 * Creates the image record, then sends the file to the upload route with a real progress bar. A record whose upload
 * failed or was cancelled holds no data and is removed, so trying again starts clean.
 */
export function UploadImageDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const { data: me } = useSession();
  const limits = useQuery(trpc.images.uploadLimits.queryOptions());
  const create = useMutation(trpc.images.create.mutationOptions());
  const remove = useMutation(trpc.images.delete.mutationOptions());
  const [name, setName] = useState('');
  const [diskFormat, setDiskFormat] = useState('raw');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [problems, setProblems] = useState<{ file?: string; properties?: string; upload?: string }>({});
  const abort = useRef<(() => void) | null>(null);
  const busy = create.isPending || progress !== null;

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.images.pathKey() });

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get('file');
    const props = parseProperties(text(form, 'properties'));
    const cap = limits.data?.sizeCap;
    const next: typeof problems = {};
    if (!(file instanceof File) || file.size === 0) next.file = 'Choose a file to upload.';
    else if (cap !== undefined && file.size > cap)
      next.file = `The file is larger than this cloud accepts (${formatBytes(cap)}).`;
    if ('error' in props) next.properties = props.error;
    setProblems(next);
    if (next.file || next.properties || !(file instanceof File) || 'error' in props) return;

    const input: TCreate = {
      name: text(form, 'name'),
      diskFormat: text(form, 'diskFormat') as TCreate['diskFormat'],
      visibility: text(form, 'visibility') as TCreate['visibility'],
      protected: checked(form, 'protected'),
      minDisk: Number(text(form, 'minDisk') || 0),
      minRam: Number(text(form, 'minRam') || 0),
      properties: props.properties,
    };
    let image;
    try {
      image = await create.mutateAsync(input);
    } catch {
      return; // shown by the fields and the form error below
    }
    void refresh();
    setProgress({ loaded: 0, total: file.size });
    const put = putImageFile(image.id, file, setProgress);
    abort.current = put.abort;
    try {
      await put.done;
    } catch (err) {
      setProgress(null);
      remove.mutate({ id: image.id }, { onSettled: () => void refresh() });
      if (err instanceof UploadError && err.cancelled) return;
      setProblems({ upload: err instanceof Error ? err.message : 'The upload failed.' });
      return;
    } finally {
      abort.current = null;
    }
    await refresh();
    toast.success(`Image ${image.name} uploaded.`);
    onClose();
  };

  /** Escape and Cancel stop a running upload before closing. */
  const cancel = () => {
    if (abort.current) {
      abort.current();
      toast.success('Upload cancelled.');
    }
    onClose();
  };

  const errors = fieldErrors(create.error);
  const percent = progress && progress.total > 0 ? Math.floor((progress.loaded / progress.total) * 100) : 0;
  return (
    <Dialog
      open
      onClose={cancel}
      title="Upload image"
      description="The file goes straight from your computer to the image store."
    >
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="fieldset" disabled={busy}>
          <Input
            label="File"
            name="file"
            type="file"
            required
            autoFocus
            error={problems.file}
            hint={limits.data && `Up to ${formatBytes(limits.data.sizeCap)}.`}
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (!f) return;
              if (!name) setName(f.name.replace(/\.[^.]+$/, ''));
              setDiskFormat(formatOf(f.name));
            }}
          />
          <Input
            label="Name"
            name="name"
            required
            maxLength={255}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.name}
          />
          <Select
            label="Disk format"
            name="diskFormat"
            options={DISK_FORMAT_OPTIONS}
            value={diskFormat}
            onChange={(e) => setDiskFormat(e.target.value)}
            hint="The file is checked against it as it arrives."
            error={errors.diskFormat}
          />
          <Select
            label="Visibility"
            name="visibility"
            options={visibilityOptions(me?.isAdmin ?? false)}
            defaultValue="private"
            error={errors.visibility}
          />
          <div className="field-row">
            <Input
              label="Minimum disk (GiB)"
              name="minDisk"
              type="number"
              min={0}
              defaultValue={0}
              error={errors.minDisk}
            />
            <Input
              label="Minimum RAM (MiB)"
              name="minRam"
              type="number"
              min={0}
              defaultValue={0}
              error={errors.minRam}
            />
          </div>
          <TextArea
            label="Properties"
            name="properties"
            defaultValue={propertiesText({})}
            hint="One key=value a line, e.g. os_distro=cirros."
            error={problems.properties ?? errors.properties}
          />
          <Checkbox label="Protected (cannot be deleted until unprotected)" name="protected" />
        </fieldset>
        {progress && (
          <div className="upload-progress">
            <div className="upload-progress__label" id="upload-progress-label">
              <span>Uploading…</span>
              <span aria-live="polite">
                {percent}% · {formatBytes(progress.loaded)} of {formatBytes(progress.total)}
              </span>
            </div>
            <progress
              aria-label="Upload progress"
              aria-describedby="upload-progress-label"
              max={progress.total || 1}
              value={progress.loaded}
              data-percent={percent}
            />
          </div>
        )}
        {(problems.upload || create.error) && (
          <p className="form__error" role="alert">
            {problems.upload ?? formError(create.error)}
          </p>
        )}
        <div className="dialog__actions">
          <Button onClick={cancel}>{progress ? 'Cancel upload' : 'Cancel'}</Button>
          <Button type="submit" variant="primary" loading={busy}>
            Upload
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
