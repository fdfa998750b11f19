/**
 * Used of total as a bar (the native <meter>: screen readers announce it as a gauge) with the figures beside it.
 * Over-committed hosts use more than they have: the bar is then full and turns to the warning colour.
 */
export function UsageBar({
  label,
  used,
  total,
  format = String,
}: {
  label: string;
  used: number;
  total: number;
  format?: (n: number) => string;
}) {
  const percent = total > 0 ? Math.round((used / total) * 100) : 0;
  return (
    <div className="usage">
      <div className="usage__figures">
        <span>
          {format(used)} of {format(total)}
        </span>
        <span className="muted">{percent}%</span>
      </div>
      <meter
        className="usage__bar"
        aria-label={`${label}: ${format(used)} of ${format(total)} used`}
        min={0}
        max={Math.max(total, 1)}
        low={total * 0.7}
        high={total * 0.9}
        optimum={0}
        value={Math.min(used, Math.max(total, 1))}
        data-percent={percent}
      />
    </div>
  );
}

/** RAM as Nova counts it (MiB): 512 MiB, 7.5 GiB. */
export const formatMiB = (mb: number) =>
  mb >= 1024 ? `${Number.isInteger(mb / 1024) ? mb / 1024 : (mb / 1024).toFixed(1)} GiB` : `${mb} MiB`;
export const formatGiB = (gb: number) => `${gb} GiB`;

/** How long ago, in words: "12 s ago", "3 min ago". */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** An empty number field reaches the server as null; zod's wording for it is not for people. */
export const numberFieldError = (message: string | undefined) =>
  message && /^(Required|Expected number)/.test(message) ? 'Enter a whole number.' : message;
