import type { ReactNode } from 'react';
import { cx } from '@web/lib/cx';
import { Skeleton } from './skeleton';

export type Column<T> = {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** `actions` right-aligns the column (row buttons). */
  align?: 'start' | 'end';
  className?: string;
};

export type TableProps<T> = {
  /** Names the table for screen readers. */
  caption: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  loading?: boolean;
  /** Shown instead of rows when the list failed to load. */
  error?: ReactNode;
  /** Shown when the list is empty (usually an EmptyState). */
  empty?: ReactNode;
};

/** A data table: skeleton rows while loading, an error or an empty state in place of rows. */
export function Table<T>({ caption, columns, rows, rowKey, loading, error, empty }: TableProps<T>) {
  const span = columns.length;
  let body: ReactNode;
  if (error) {
    body = (
      <tr>
        <td colSpan={span} className="table__message" role="alert">
          {error}
        </td>
      </tr>
    );
  } else if (loading || !rows) {
    body = [0, 1, 2].map((i) => (
      <tr key={i}>
        {columns.map((c) => (
          <td key={c.key}>
            <Skeleton width={i % 2 ? '60%' : '80%'} />
          </td>
        ))}
      </tr>
    ));
  } else if (rows.length === 0) {
    body = (
      <tr>
        <td colSpan={span}>{empty ?? 'Nothing here yet.'}</td>
      </tr>
    );
  } else {
    body = rows.map((row) => (
      <tr key={rowKey(row)}>
        {columns.map((c) => (
          <td key={c.key} className={cx(c.align === 'end' && 'table__end', c.className)}>
            {c.cell(row)}
          </td>
        ))}
      </tr>
    ));
  }
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={loading || undefined}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={cx(c.align === 'end' && 'table__end', c.className)}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
}
