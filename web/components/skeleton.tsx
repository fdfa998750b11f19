import type { CSSProperties } from 'react';

/** A grey placeholder where content is loading; hidden from screen readers (the container says aria-busy). */
export function Skeleton({
  width = '100%',
  height = '1em',
  style,
}: {
  width?: string | number;
  height?: string | number;
  style?: CSSProperties;
}) {
  return <span className="skeleton" aria-hidden="true" style={{ width, height, ...style }} />;
}
