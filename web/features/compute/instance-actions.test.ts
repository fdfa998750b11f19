import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- a test, not shipped: it checks the web's copy against its source of truth
import { METADATA_CHANGEABLE_FROM } from '@server/services/compute/server-metadata.service';
// eslint-disable-next-line no-restricted-imports -- a test, not shipped: it checks the web's copy against its source of truth
import { ACTION_RULES, POWER_STATE_NAMES } from '@server/services/compute/states';
import {
  actionBlockedReason,
  ALLOWED_FROM,
  lockedReason,
  METADATA_FROM,
  metadataBlockedReason,
  POWER_STATES,
  type InstanceAction,
} from './instance-actions';

describe('the dashboard’s allowed-states table', () => {
  it('matches ACTION_RULES in server/services/compute/states.ts for every action it offers', () => {
    for (const action of Object.keys(ALLOWED_FROM) as InstanceAction[]) {
      expect([...ALLOWED_FROM[action]].sort(), action).toEqual([...ACTION_RULES[action].from].sort());
    }
  });

  it('offers every action the server knows', () => {
    expect(Object.keys(ALLOWED_FROM).sort()).toEqual(Object.keys(ACTION_RULES).sort());
  });

  it('allows metadata changes where the metadata service does', () => {
    expect([...METADATA_FROM].sort()).toEqual([...METADATA_CHANGEABLE_FROM].sort());
  });

  it('names power states as states.ts does', () => {
    expect(POWER_STATES).toEqual(POWER_STATE_NAMES);
  });

  it('explains why an action is unavailable', () => {
    expect(actionBlockedReason('start', { vmState: 'stopped', taskState: null })).toBeNull();
    expect(actionBlockedReason('start', { vmState: 'active', taskState: null })).toBe('Only when SHUTOFF.');
    expect(actionBlockedReason('stop', { vmState: 'active', taskState: 'powering_off' })).toBe('Busy: powering off.');
    expect(actionBlockedReason('stop', { vmState: 'paused', taskState: null })).toBe('Only when ACTIVE or ERROR.');
    expect(actionBlockedReason('resize', { vmState: 'paused', taskState: null })).toBe('Only when ACTIVE or SHUTOFF.');
    expect(actionBlockedReason('confirm_resize', { vmState: 'active', taskState: null })).toBe(
      'Only when VERIFY_RESIZE.',
    );
    expect(actionBlockedReason('revert_resize', { vmState: 'resized', taskState: null })).toBeNull();
    expect(actionBlockedReason('rebuild', { vmState: 'error', taskState: null })).toBeNull();
    expect(actionBlockedReason('rebuild', { vmState: 'active', taskState: 'resize_prep' })).toBe('Busy: resize prep.');
  });

  it('explains why the metadata cannot change', () => {
    expect(metadataBlockedReason({ vmState: 'stopped', taskState: null })).toBeNull();
    expect(metadataBlockedReason({ vmState: 'resized', taskState: null })).toBe(
      'Only when ACTIVE or PAUSED or SUSPENDED or SHUTOFF.',
    );
    expect(metadataBlockedReason({ vmState: 'active', taskState: 'rebuilding' })).toBe('Busy: rebuilding.');
  });

  it('says a locked instance is locked, except to admins', () => {
    expect(lockedReason({ locked: true }, false)).toBe('Locked: ask an administrator to unlock it.');
    expect(lockedReason({ locked: true }, true)).toBeNull();
    expect(lockedReason({ locked: false }, false)).toBeNull();
  });
});
