/** Joins class names, skipping falsy ones: `cx('btn', primary && 'btn--primary')`. */
export const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(' ');
