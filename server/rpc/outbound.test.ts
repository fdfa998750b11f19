import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { defineRpc } from './contract';
import { errorFromWire, errorToWire } from './envelope';
import { buildNotification, buildOutbound, unwrapReply } from './outbound';

const resize = defineRpc({
  topic: 'compute',
  method: 'resize',
  version: '1.0',
  kind: 'call',
  args: z.object({ id: z.string(), cleanShutdown: z.boolean().default(true) }),
  result: z.object({ taskId: z.string() }),
});

describe('outbound messages', () => {
  it('sends the caller’s raw args, so the handler’s own schema applies its defaults', () => {
    const { envelope, body } = buildOutbound(resize, { id: 'i1' }, { userId: 'u1' });
    expect(envelope.args).toEqual({ id: 'i1' });
    expect(envelope).toMatchObject({ v: 1, method: 'resize', version: '1.0', ctx: { userId: 'u1' } });
    expect(envelope.requestId).toBe(envelope.ctx.requestId);
    expect(JSON.parse(body)).toEqual(envelope);
  });

  it('refuses invalid args with BadRequest naming the method', () => {
    expect(() => buildOutbound(resize, { id: 5 }, undefined)).toThrow(/compute\.resize v1\.0/);
  });

  it('refuses notification keys that would break wildcard routing', () => {
    expect(() => buildNotification({ resource: 'instance', projectId: 'a.b', event: 'x', payload: 1 })).toThrow(
      AppError,
    );
    expect(buildNotification({ resource: 'instance', projectId: 'p1', event: 'power.on', payload: 1 }).routingKey).toBe(
      'instance.p1.power.on',
    );
  });
});

describe('replies', () => {
  it('round-trips an AppError with its code, message and details', () => {
    const wire = errorToWire(new AppError('OverQuota', 'Quota exceeded for cores', { resource: 'cores' }));
    const back = errorFromWire(wire, 'resize');
    expect(back).toBeInstanceOf(AppError);
    expect(back).toMatchObject({ code: 'OverQuota', message: 'Quota exceeded for cores' });
    expect(back.details).toMatchObject({ resource: 'cores', remote: true, method: 'resize' });
  });

  it('maps unknown remote codes and plain errors to Internal', () => {
    expect(errorFromWire({ code: 'FromTheFuture', message: 'm', name: 'X' }, 'm').code).toBe('Internal');
    expect(errorToWire(new RangeError('r'))).toEqual({ code: 'Internal', message: 'r', name: 'RangeError' });
  });

  it('validates the result with the contract’s result schema', () => {
    expect(unwrapReply(resize, JSON.stringify({ ok: true, result: { taskId: 't' } }))).toEqual({ taskId: 't' });
    expect(() => unwrapReply(resize, JSON.stringify({ ok: true, result: { task: 1 } }))).toThrow(/Invalid result/);
    expect(() => unwrapReply(resize, 'not json')).toThrow(/Malformed reply/);
  });
});
