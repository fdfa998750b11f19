import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRpc, isVersionCompatible } from './contract';

describe('defineRpc', () => {
  it('refuses names that would break queue names or routing at import time', () => {
    const args = z.object({});
    expect(() => defineRpc({ topic: 'compute.host1', method: 'start', version: '1.0', kind: 'cast', args })).toThrow(
      /topic/,
    );
    expect(() => defineRpc({ topic: 'compute', method: 'Start-It', version: '1.0', kind: 'cast', args })).toThrow(
      /method/,
    );
    expect(() => defineRpc({ topic: 'compute', method: 'start', version: '1', kind: 'cast', args })).toThrow(/version/);
  });

  it('keeps the schemas and is frozen', () => {
    const args = z.object({ id: z.string() });
    const result = z.object({ ok: z.boolean() });
    const c = defineRpc({ topic: 'compute', method: 'get_console', version: '1.2', kind: 'call', args, result });
    expect(c).toMatchObject({ topic: 'compute', method: 'get_console', version: '1.2', kind: 'call' });
    expect(c.result).toBe(result);
    expect(Object.isFrozen(c)).toBe(true);
  });
});

describe('isVersionCompatible (sent, served)', () => {
  it.each([
    ['1.0', '1.0', true],
    ['1.0', '1.3', true],
    ['1.4', '1.3', false],
    ['2.0', '1.9', false],
    ['1.0', '2.0', false],
    ['1.10', '1.9', false],
    ['x', '1.0', false],
  ])('%s handled by %s → %s', (sent, served, ok) => {
    expect(isVersionCompatible(sent, served)).toBe(ok);
  });
});
