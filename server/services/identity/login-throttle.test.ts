import { describe, expect, it, vi } from 'vitest';
import { LoginThrottle } from './login-throttle';

describe('login throttle', () => {
  it('refuses a user after the allowed failures, until the window passes, without touching other users', () => {
    vi.useFakeTimers();
    const t = new LoginThrottle(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterMs('alice')).toBe(0);
      t.fail('alice');
    }
    expect(t.retryAfterMs('alice')).toBeGreaterThan(0);
    expect(t.retryAfterMs('bob')).toBe(0);
    vi.advanceTimersByTime(60_001);
    expect(t.retryAfterMs('alice')).toBe(0);
    vi.useRealTimers();
  });

  it('forgets failures after a successful sign-in', () => {
    const t = new LoginThrottle(2, 60_000);
    t.fail('alice');
    t.succeed('alice');
    t.fail('alice');
    expect(t.retryAfterMs('alice')).toBe(0);
  });
});
