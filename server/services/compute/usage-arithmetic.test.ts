import { describe, expect, it } from 'vitest';
import { dailyUsage, hoursIn, serverUsage, tenantUsages, windowStart, type TUsageInstance } from './usage-arithmetic';

const at = (iso: string) => new Date(`${iso}Z`);
const period = { start: at('2026-11-10T00:00:00'), stop: at('2026-11-11T00:00:00') };
const now = at('2026-11-20T12:00:00');

function vm(over: Partial<TUsageInstance> = {}): TUsageInstance {
  return {
    id: 'vm-1',
    name: 'web',
    projectId: 'p1',
    vmState: 'active',
    flavor: { name: 'm1.small', vcpus: 2, ram: 2048, disk: 20, ephemeral: 5 },
    launchedAt: at('2026-11-01T00:00:00'),
    endedAt: null,
    createdAt: at('2026-11-01T00:00:00'),
    ...over,
  };
}

describe('usage arithmetic', () => {
  it('counts the whole period for an instance running before and after it', () => {
    expect(hoursIn(vm(), period, now)).toBe(24);
  });

  it('counts from the launch when the instance started inside the period', () => {
    expect(hoursIn(vm({ launchedAt: at('2026-11-10T18:00:00') }), period, now)).toBe(6);
  });

  it('counts up to the termination when the instance was deleted mid-period', () => {
    const deleted = vm({ launchedAt: at('2026-11-10T02:00:00'), endedAt: at('2026-11-10T03:30:00') });
    expect(hoursIn(deleted, period, now)).toBe(1.5);
    const s = serverUsage(deleted, period, now);
    expect(s.state).toBe('terminated');
    expect(s.uptime).toBe(5400);
  });

  it('counts nothing for an instance that never launched, or ran only outside the period', () => {
    expect(hoursIn(vm({ launchedAt: null }), period, now)).toBe(0);
    expect(hoursIn(vm({ endedAt: at('2026-11-09T23:00:00') }), period, now)).toBe(0);
    expect(hoursIn(vm({ launchedAt: at('2026-11-11T00:00:00') }), period, now)).toBe(0);
  });

  it('does not count hours that have not happened yet', () => {
    const today = { start: at('2026-11-20T00:00:00'), stop: at('2026-11-21T00:00:00') };
    expect(hoursIn(vm(), today, now)).toBe(12);
  });

  it("sums a project's servers: hours × vCPUs, RAM and root + ephemeral disk, skipping the never launched", () => {
    const usages = tenantUsages(
      [
        vm(),
        vm({
          id: 'vm-2',
          launchedAt: at('2026-11-10T12:00:00'),
          flavor: { name: 'tiny', vcpus: 1, ram: 512, disk: 1, ephemeral: 0 },
        }),
        vm({ id: 'vm-3', launchedAt: null }),
        vm({ id: 'vm-4', projectId: 'p2' }),
      ],
      period,
      now,
    );
    expect(usages.map((u) => u.tenantId)).toEqual(['p1', 'p2']);
    const [p1] = usages;
    expect(p1!.serverUsages.map((s) => s.instanceId)).toEqual(['vm-1', 'vm-2']);
    expect(p1!.totalHours).toBe(36);
    expect(p1!.totalVcpusUsage).toBe(24 * 2 + 12 * 1);
    expect(p1!.totalMemoryMbUsage).toBe(24 * 2048 + 12 * 512);
    expect(p1!.totalLocalGbUsage).toBe(24 * 25 + 12 * 1);
  });

  it('splits usage into UTC days, from the window start to today so far', () => {
    const start = windowStart(at('2026-11-12T09:00:00'), 3);
    expect(start.toISOString()).toBe('2026-11-10T00:00:00.000Z');
    const days = dailyUsage(
      [vm({ launchedAt: at('2026-11-10T20:00:00'), endedAt: at('2026-11-11T02:00:00') })],
      start,
      at('2026-11-12T09:00:00'),
    );
    expect(days.map((d) => [d.date, d.instanceHours, d.vcpuHours])).toEqual([
      ['2026-11-10', 4, 8],
      ['2026-11-11', 2, 4],
      ['2026-11-12', 0, 0],
    ]);
    expect(days[0]!.memoryMbHours).toBe(4 * 2048);
    expect(days[0]!.diskGbHours).toBe(4 * 25);
  });
});
