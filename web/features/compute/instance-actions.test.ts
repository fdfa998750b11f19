import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- a test, not shipped: it checks the web's copy against its source of truth
import { ACTION_RULES, POWER_STATE_NAMES } from '@server/services/compute/states';
import { actionBlockedReason, ALLOWED_FROM, POWER_STATES, type InstanceAction } from './instance-actions';

describe('the dashboard’s allowed-states table', () => {
  it('matches ACTION_RULES in server/services/compute/states.ts for every action it offers', () => {
    for (const action of Object.keys(ALLOWED_FROM) as InstanceAction[]) {
      expect([...ALLOWED_FROM[action]].sort(), action).toEqual([...ACTION_RULES[action].from].sort());
    }
  });

  it('names power states as states.ts does', () => {
    expect(POWER_STATES).toEqual(POWER_STATE_NAMES);
  });

  it('explains why an action is unavailable', () => {
    expect(actionBlockedReason('start', { vmState: 'stopped', taskState: null })).toBeNull();
    expect(actionBlockedReason('start', { vmState: 'active', taskState: null })).toBe('Only when SHUTOFF.');
    expect(actionBlockedReason('stop', { vmState: 'active', taskState: 'powering_off' })).toBe('Busy: powering off.');
    expect(actionBlockedReason('stop', { vmState: 'paused', taskState: null })).toBe('Only when ACTIVE or ERROR.');
  });
});
