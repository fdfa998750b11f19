'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormDialog } from '@web/components/dialog';
import { Checkbox, Input, Select } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { useSession } from '@web/features/session/use-session';
import { fieldErrors, formError } from '@web/lib/errors';
import { checked, text } from '@web/lib/form-data';
import { useTRPC, type RouterInputs } from '@web/lib/trpc';
import { parseProperties, propertiesText, visibilityOptions } from './format';
import { imageLabel, type TImageRow } from './image-labels';
import { TextArea } from './textarea';

type TPatch = RouterInputs['images']['update']['patch'];

/** Name, visibility, protection, minimums and free-form properties of an image. */
export function EditImageDialog({ image, onClose }: { image: TImageRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const { data: me } = useSession();
  const [propertiesError, setPropertiesError] = useState<string>();
  const update = useMutation(
    trpc.images.update.mutationOptions({
      onSuccess(i) {
        void queryClient.invalidateQueries({ queryKey: trpc.images.pathKey() });
        toast.success(`Image ${imageLabel(i)} saved.`);
        onClose();
      },
    }),
  );

  const submit = (form: FormData) => {
    const parsed = parseProperties(text(form, 'properties'));
    setPropertiesError('error' in parsed ? parsed.error : undefined);
    if ('error' in parsed) return;
    const next = parsed.properties;
    const setProperties = Object.fromEntries(Object.entries(next).filter(([k, v]) => image.properties[k] !== v));
    const removeProperties = Object.keys(image.properties).filter((k) => !(k in next));
    update.mutate({
      id: image.id,
      patch: {
        name: text(form, 'name'),
        visibility: text(form, 'visibility') as TPatch['visibility'],
        protected: checked(form, 'protected'),
        minDisk: Number(text(form, 'minDisk') || 0),
        minRam: Number(text(form, 'minRam') || 0),
        setProperties,
        removeProperties,
      },
    });
  };
  const errors = fieldErrors(update.error, 'patch.');
  // an image someone else made public stays listable as such, even for a member who could not choose it
  const visibility = visibilityOptions(me?.isAdmin ?? false);
  if (!visibility.some((v) => v.value === image.visibility))
    visibility.push({ value: image.visibility, label: image.visibility });

  return (
    <FormDialog
      open
      onClose={onClose}
      title={`Edit image ${imageLabel(image)}`}
      submitLabel="Save"
      onSubmit={submit}
      pending={update.isPending}
      error={formError(update.error)}
    >
      <Input
        label="Name"
        name="name"
        required
        autoFocus
        maxLength={255}
        defaultValue={image.name ?? ''}
        error={errors.name}
      />
      <Select
        label="Visibility"
        name="visibility"
        options={visibility}
        defaultValue={image.visibility}
        error={errors.visibility}
      />
      <div className="field-row">
        <Input
          label="Minimum disk (GiB)"
          name="minDisk"
          type="number"
          min={0}
          defaultValue={image.minDisk}
          error={errors.minDisk}
        />
        <Input
          label="Minimum RAM (MiB)"
          name="minRam"
          type="number"
          min={0}
          defaultValue={image.minRam}
          error={errors.minRam}
        />
      </div>
      <TextArea
        label="Properties"
        name="properties"
        defaultValue={propertiesText(image.properties)}
        hint="One key=value a line. Remove a line to remove the property."
        error={propertiesError ?? errors.setProperties}
      />
      <Checkbox
        label="Protected (cannot be deleted until unprotected)"
        name="protected"
        defaultChecked={image.protected}
      />
    </FormDialog>
  );
}
