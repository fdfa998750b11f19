/** A form field as a trimmed string ('' when absent). */
export const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/** A form field, or undefined when left empty (optional API fields). */
export const optionalText = (form: FormData, name: string) => text(form, name) || undefined;

/** A checkbox's state. */
export const checked = (form: FormData, name: string) => form.get(name) === 'on';
