'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { Select } from '@web/components/input';
import { Skeleton } from '@web/components/skeleton';
import { errorMessage } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { chartBars, formatHours, niceMax, type TUsageMetric } from './usage-chart-geometry';
import './usage.css';

type TDay = RouterOutputs['usage']['daily'][number];

const METRICS: { value: TUsageMetric; label: string; unit: string }[] = [
  { value: 'instanceHours', label: 'Instance-hours', unit: 'instance-hours' },
  { value: 'vcpuHours', label: 'vCPU-hours', unit: 'vCPU-hours' },
  { value: 'memoryMbHours', label: 'RAM MB-hours', unit: 'MB-hours of RAM' },
  { value: 'diskGbHours', label: 'Disk GB-hours', unit: 'GB-hours of disk' },
];
const WINDOWS = [14, 30] as const;

const W = 720;
const H = 220;
const PAD = { top: 16, right: 12, bottom: 28, left: 56 };

/** "Nov 20" in the browser's locale, for a UTC day. */
const dayLabel = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * The project's usage per day as an inline SVG bar chart: one metric at a time, over the last 14 or 30 days. The SVG
 * is an image with a title and a description; the numbers are in a table screen readers read (visually hidden).
 */
export function UsageChart() {
  const trpc = useTRPC();
  const [days, setDays] = useState<(typeof WINDOWS)[number]>(14);
  const [metric, setMetric] = useState<TUsageMetric>('instanceHours');
  const usage = useQuery(trpc.usage.daily.queryOptions({ days }));
  const titleId = useId();
  const descId = useId();
  const m = METRICS.find((x) => x.value === metric)!;
  const controls = (
    <div className="usage__controls">
      <div className="usage__windows" role="group" aria-label="Period">
        {WINDOWS.map((d) => (
          <Button
            key={d}
            size="sm"
            variant={days === d ? 'primary' : 'secondary'}
            aria-pressed={days === d}
            onClick={() => setDays(d)}
          >
            Last {d} days
          </Button>
        ))}
      </div>
      <Select
        label="Show"
        value={metric}
        onChange={(e) => setMetric(e.target.value as TUsageMetric)}
        options={METRICS.map((x) => ({ value: x.value, label: x.label }))}
      />
    </div>
  );
  let body;
  if (usage.isError) body = <p className="muted">{errorMessage(usage.error)}</p>;
  else if (usage.isPending) body = <Skeleton width="100%" height="220px" />;
  else if (usage.data.every((d) => d.instanceHours === 0)) {
    body = (
      <EmptyState title={`No usage in the last ${days} days`}>
        Instances this project runs show up here, one bar per day.
      </EmptyState>
    );
  } else body = <Chart data={usage.data} metric={m} days={days} titleId={titleId} descId={descId} />;
  return (
    <div className="card usage" aria-busy={usage.isPending || undefined}>
      {controls}
      {body}
    </div>
  );
}

function Chart({
  data,
  metric,
  days,
  titleId,
  descId,
}: {
  data: TDay[];
  metric: (typeof METRICS)[number];
  days: number;
  titleId: string;
  descId: string;
}) {
  const values = data.map((d) => d[metric.value]);
  const max = niceMax(Math.max(...values));
  const total = values.reduce((a, b) => a + b, 0);
  const bars = chartBars(values, max, { width: W, height: H, ...PAD });
  const peak = data[values.indexOf(Math.max(...values))]!;
  // every label on 14 days, every third on 30, so they never overlap
  const labelEvery = data.length > 14 ? 3 : 1;
  return (
    <figure className="usage__figure">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="usage__svg"
        role="img"
        aria-labelledby={titleId}
        aria-describedby={descId}
      >
        <title id={titleId}>{`${metric.label} per day, last ${days} days`}</title>
        <desc id={descId}>
          {`${formatHours(total)} ${metric.unit} in total; the most on ${dayLabel(peak.date)}: ${formatHours(peak[metric.value])}. The values are in the table that follows.`}
        </desc>
        {[0, 0.5, 1].map((f) => {
          const y = PAD.top + (1 - f) * (H - PAD.top - PAD.bottom);
          return (
            <g key={f} className="usage__grid">
              <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} />
              <text x={PAD.left - 6} y={y} dy="0.32em" textAnchor="end">
                {formatHours(max * f)}
              </text>
            </g>
          );
        })}
        {bars.map((b, i) => (
          <g key={data[i]!.date}>
            <rect className="usage__bar" x={b.x} y={b.y} width={b.width} height={b.height} data-value={values[i]} />
            {i % labelEvery === 0 && (
              <text className="usage__label" x={b.x + b.width / 2} y={H - PAD.bottom + 16} textAnchor="middle">
                {dayLabel(data[i]!.date)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <table className="sr-only">
        <caption>{`Usage per day, last ${days} days`}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {METRICS.map((x) => (
              <th key={x.value} scope="col">
                {x.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.date}>
              <th scope="row">{d.date}</th>
              {METRICS.map((x) => (
                <td key={x.value}>{formatHours(d[x.value])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
