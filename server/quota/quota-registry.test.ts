import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors';
import { QuotaRegistry } from './quota-registry';

const registryWith = (...names: string[]) => {
  const r = new QuotaRegistry();
  for (const name of names) r.register({ name, defaultLimit: 10, description: name });
  return r;
};

describe('quota registry', () => {
  it('lists resources sorted by name', () => {
    expect(
      registryWith('ram', 'cores', 'instances')
        .list()
        .map((r) => r.name),
    ).toEqual(['cores', 'instances', 'ram']);
  });

  it('accepts the same registration twice but not a conflicting default', () => {
    const r = registryWith('instances');
    expect(() => r.register({ name: 'instances', defaultLimit: 10, description: 'again' })).not.toThrow();
    expect(() => r.register({ name: 'instances', defaultLimit: 5, description: 'other' })).toThrow(/different defaults/);
  });

  it('refuses bad names and default limits below -1', () => {
    const r = new QuotaRegistry();
    expect(() => r.register({ name: 'two words', defaultLimit: 1, description: '' })).toThrow(/invalid quota resource name/);
    expect(() => r.register({ name: 'cores', defaultLimit: -2, description: '' })).toThrow(/invalid default limit/);
  });

  it('names every unknown resource in one BadRequest', () => {
    const r = registryWith('instances');
    const e = (() => {
      try {
        r.assertKnown(['instances', 'gpus', 'tpus']);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({
      code: 'BadRequest',
      details: { resources: ['gpus', 'tpus'] },
    });
    expect((e as AppError).message).toContain('gpus, tpus');
  });

  it('drops zero deltas and refuses fractions', () => {
    const r = registryWith('cores', 'instances');
    expect(r.parseDeltas({ cores: 0, instances: -1 })).toEqual({
      instances: -1,
    });
    expect(() => r.parseDeltas({ cores: 0.5 })).toThrow(/must be an integer/);
  });
});
