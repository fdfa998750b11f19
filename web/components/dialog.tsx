'use client';

import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { Button } from './button';

export type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
};

/**
 * A modal on the native <dialog>: the browser traps focus, closes on Escape and returns focus to the opener.
 * Children mount only while open, so a form inside starts fresh each time.
 */
export function Dialog({ open, onClose, title, description, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onClose={onClose}
      // a click on the backdrop lands on the <dialog> itself; clicks inside land on its content
      onClick={(e) => e.target === e.currentTarget && onClose()}
    >
      {open && (
        <div className="dialog__body">
          <h2 className="dialog__title" id={titleId}>
            {title}
          </h2>
          {description && (
            <div className="dialog__description" id={descId}>
              {description}
            </div>
          )}
          {children}
        </div>
      )}
    </dialog>
  );
}

export type FormDialogProps = Omit<DialogProps, 'children'> & {
  children: ReactNode;
  submitLabel: string;
  onSubmit: (data: FormData) => void;
  pending?: boolean;
  /** A message for the whole form (field errors go next to their fields). */
  error?: string;
  danger?: boolean;
};

/** A dialog holding one form, with Cancel and a submit button; the pattern of every create/edit action. */
export function FormDialog({ children, submitLabel, onSubmit, pending, error, danger, ...dialog }: FormDialogProps) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onSubmit(new FormData(e.currentTarget));
  };
  return (
    <Dialog {...dialog}>
      <form className="form" onSubmit={submit} noValidate>
        {children}
        {error && (
          <p className="form__error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <Button onClick={dialog.onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant={danger ? 'danger' : 'primary'} loading={pending}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Are you sure?" for destructive actions. */
export function ConfirmDialog(
  props: Omit<FormDialogProps, 'onSubmit' | 'children'> & { onConfirm: () => void; children?: ReactNode },
) {
  const { onConfirm, children, ...rest } = props;
  return (
    <FormDialog {...rest} onSubmit={() => onConfirm()} danger>
      {children}
    </FormDialog>
  );
}
