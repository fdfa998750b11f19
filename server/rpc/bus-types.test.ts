import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Bus, RpcContext } from './bus';
import { defineRpc, type RpcArgs, type RpcArgsInput, type RpcResult } from './contract';

// Compile-time checks (tsc runs over this file): the public API carries the contract's types end to end, no `any`.
const start = defineRpc({
  topic: 'compute',
  method: 'start_instance',
  version: '1.1',
  kind: 'cast',
  args: z.object({ id: z.string(), cleanShutdown: z.boolean().default(true) }),
});
const consoleUrl = defineRpc({
  topic: 'compute',
  method: 'get_console',
  version: '1.0',
  kind: 'call',
  args: z.object({ id: z.string() }),
  result: z.object({ url: z.string().url() }),
});

describe('Bus types', () => {
  it('infers args, results and handler signatures from the contract', () => {
    expectTypeOf<RpcArgsInput<typeof start>>().toEqualTypeOf<{ id: string; cleanShutdown?: boolean | undefined }>();
    expectTypeOf<RpcArgs<typeof start>>().toEqualTypeOf<{ id: string; cleanShutdown: boolean }>();
    expectTypeOf<RpcResult<typeof consoleUrl>>().toEqualTypeOf<{ url: string }>();

    const check = (bus: Bus) => {
      expectTypeOf(bus.call(consoleUrl, { host: 'h1', args: { id: 'i' } })).resolves.toEqualTypeOf<{ url: string }>();
      expectTypeOf(bus.cast(start, { args: { id: 'i' } })).resolves.toBeVoid();
      void bus.serve(start, (args, ctx) => {
        expectTypeOf(args.cleanShutdown).toBeBoolean();
        expectTypeOf(ctx).toEqualTypeOf<RpcContext>();
      });
      void bus.serve(consoleUrl, () => ({ url: 'https://console' }));
      // @ts-expect-error a call handler must return the result shape
      void bus.serve(consoleUrl, () => ({ nope: 1 }));
      // @ts-expect-error casts take cast contracts, calls take call contracts
      void bus.cast(consoleUrl, { args: { id: 'i' } });
      // @ts-expect-error args are checked against the schema's input type
      void bus.cast(start, { args: { id: 1 } });
    };
    expectTypeOf(check).toBeFunction();
  });
});
