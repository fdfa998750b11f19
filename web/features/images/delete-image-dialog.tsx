'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from '@web/components/dialog';
import { useToast } from '@web/components/toast';
import { errorCode, formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { imageLabel, type TImageRow } from './image-labels';

/** Deletes an image; the image service refuses a protected one, which this says in plain words. */
export function DeleteImageDialog({
  image,
  onClose,
  onDeleted,
}: {
  image: TImageRow;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const name = imageLabel(image);
  const remove = useMutation(
    trpc.images.delete.mutationOptions({
      onSuccess() {
        void queryClient.invalidateQueries({ queryKey: trpc.images.pathKey() });
        toast.success(`Image ${name} deleted.`);
        onClose();
        onDeleted?.();
      },
    }),
  );
  const error =
    errorCode(remove.error) === 'FORBIDDEN' && image.protected
      ? `${name} is protected, so it cannot be deleted. Edit the image and clear “Protected” first.`
      : formError(remove.error);
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete image ${name}?`}
      description={
        image.protected
          ? 'This image is protected: the image service will refuse to delete it until it is unprotected.'
          : 'Its data goes with it. Instances already running from it keep their disks.'
      }
      submitLabel="Delete image"
      onConfirm={() => remove.mutate({ id: image.id })}
      pending={remove.isPending}
      error={error}
    />
  );
}
