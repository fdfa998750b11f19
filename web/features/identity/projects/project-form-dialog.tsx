'use client';

import { useMutation } from '@tanstack/react-query';
import { FormDialog } from '@web/components/dialog';
import { Checkbox, Input } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { fieldErrors, formError } from '@web/lib/errors';
import { checked, text } from '@web/lib/form-data';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { useIdentityRefresh } from '../use-identity-refresh';

export type TProjectRow = RouterOutputs['admin']['projects']['list'][number];

/** Creates a project, or edits one when `project` is given. */
export function ProjectFormDialog({ project, onClose }: { project?: TProjectRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useIdentityRefresh();
  const done = (message: string) => {
    void refresh();
    toast.success(message);
    onClose();
  };
  const create = useMutation(
    trpc.admin.projects.create.mutationOptions({ onSuccess: (p) => done(`Project ${p.name} created.`) }),
  );
  const update = useMutation(
    trpc.admin.projects.update.mutationOptions({ onSuccess: (p) => done(`Project ${p.name} saved.`) }),
  );
  const mutation = project ? update : create;

  const submit = (form: FormData) => {
    const values = {
      name: text(form, 'name'),
      description: text(form, 'description'),
      enabled: checked(form, 'enabled'),
    };
    if (project) update.mutate({ id: project.id, patch: values });
    else create.mutate(values);
  };
  const errors = fieldErrors(mutation.error, 'patch.');

  return (
    <FormDialog
      open
      onClose={onClose}
      title={project ? `Edit project ${project.name}` : 'Create project'}
      submitLabel={project ? 'Save' : 'Create project'}
      onSubmit={submit}
      pending={mutation.isPending}
      error={formError(mutation.error)}
    >
      <Input
        label="Name"
        name="name"
        required
        autoFocus
        maxLength={64}
        defaultValue={project?.name}
        error={errors.name}
      />
      <Input
        label="Description"
        name="description"
        maxLength={255}
        defaultValue={project?.description}
        error={errors.description}
      />
      <Checkbox label="Enabled" name="enabled" defaultChecked={project?.enabled ?? true} />
    </FormDialog>
  );
}
