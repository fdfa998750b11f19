import { cx } from '@web/lib/cx';

/** Nova's status → a colour family: running, in progress, stopped, paused or failed. */
function toneOf(status: string): string {
  if (status === 'ACTIVE') return 'ok';
  if (status === 'ERROR') return 'error';
  if (status === 'SHUTOFF' || status === 'DELETED') return 'off';
  if (status === 'PAUSED' || status === 'SUSPENDED' || status === 'VERIFY_RESIZE') return 'warn';
  return 'busy';
}

/** A server's status as a coloured label; the text carries the meaning, the colour only repeats it. */
export function StatusLabel({ status }: { status: string }) {
  const tone = toneOf(status);
  return (
    <span className={cx('status', `status--${tone}`)} data-status={status}>
      {tone === 'busy' && <span className="spinner status__spinner" aria-hidden="true" />}
      {status}
    </span>
  );
}
