import type { RouterOutputs } from '@web/lib/trpc';
import { ago } from './usage-bar';

export type TServiceRow = RouterOutputs['computeAdmin']['services']['list'][number];

/** Up or down: whether the host's agent has been heard from lately. */
export function Liveness({ state, lastHeartbeatAt }: { state: 'up' | 'down'; lastHeartbeatAt?: string }) {
  return (
    <span>
      <span className={`liveness liveness--${state}`}>{state === 'up' ? 'Up' : 'Down'}</span>
      {lastHeartbeatAt && <span className="cell-sub">last heard {ago(lastHeartbeatAt)}</span>}
    </span>
  );
}

/** Enabled, or disabled with the operator's reason (rendered as text, whatever it holds). */
export function ServiceStatus({ service }: { service: Pick<TServiceRow, 'status' | 'disabledReason' | 'forcedDown'> }) {
  return (
    <span>
      {service.status === 'enabled' ? (
        <span className="badge badge--ok">Enabled</span>
      ) : (
        <span className="badge badge--danger">Disabled</span>
      )}
      {service.forcedDown && <span className="badge">Forced down</span>}
      {service.status === 'disabled' && service.disabledReason && (
        <span className="cell-sub">{service.disabledReason}</span>
      )}
    </span>
  );
}
