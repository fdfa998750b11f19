'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Skeleton } from '@web/components/skeleton';
import { errorCode, errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';

/** The serial console's last lines, tailing: polled every 2 s while the page is open and the instance is on a host. */
export function ConsoleLog({ id, live }: { id: string; live: boolean }) {
  const trpc = useTRPC();
  const log = useQuery(
    trpc.compute.servers.consoleLog.queryOptions(
      { id, lines: 200 },
      { enabled: live, refetchInterval: live ? 2000 : false, refetchIntervalInBackground: false, staleTime: 0 },
    ),
  );
  const box = useRef<HTMLPreElement>(null);
  // stay at the bottom as lines arrive, unless the reader scrolled up to read
  const output = log.data?.output;
  useEffect(() => {
    const el = box.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 60) el.scrollTop = el.scrollHeight;
  }, [output]);

  if (!live) return <p className="muted">The console is available once the instance runs on a host.</p>;
  if (log.isPending) return <Skeleton height="6rem" />;
  if (log.isError) {
    return (
      <p className="muted">
        {errorCode(log.error) === 'CONFLICT' ? 'No console output yet.' : errorMessage(log.error)}
      </p>
    );
  }
  return (
    <pre className="console" ref={box} tabIndex={0} aria-label="Console log" aria-live="off" data-testid="console-log">
      {output || 'The console is empty so far.'}
    </pre>
  );
}
