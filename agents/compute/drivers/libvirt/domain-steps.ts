/**
 * The steps the driver's operations are made of, on one instance's domain: reading its power state, starting it
 * (from saved memory when suspended), stopping it cleanly or hard, waiting for a state, and discarding it.
 */
import fs from 'node:fs/promises';
import { POWER_STATE, type PowerState } from '../../driver';
import type { HostFlavour } from './host-flavour';
import { exists, type InstancePaths, removeDir } from './instance-files';
import type { Domain, LibvirtConnection } from './libvirt-connection';
import { powerStateOf } from './power-state';

/** An instance's domain, found on the connection, with the instance's files. */
export type Found = { conn: LibvirtConnection; dom: Domain; paths: InstancePaths };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function stateOf(f: Found): Promise<PowerState> {
  const status = await f.conn.status(f.dom);
  if (!status) return POWER_STATE.NOSTATE;
  return powerStateOf(status.state, f.paths.memorySave);
}

/** Polls until the domain is in one of `states`; false after `timeoutMs`. */
export async function settle(f: Found, states: PowerState[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    if (states.includes(await stateOf(f))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(delay);
  }
}

/** Starts the domain, from its saved memory when it was suspended, and waits until it runs. */
export async function startAndWait(
  f: Found,
  host: HostFlavour,
  spec: { instanceId: string },
  timeoutMs: number,
): Promise<void> {
  const resuming = await exists(f.paths.memorySave);
  if (resuming) {
    // moved aside first: an agent that dies between the restore and the removal must not restore this (by then
    // stale) memory over a disk the guest has written since; dying before the restore only loses the memory
    await fs.rename(f.paths.memorySave, f.paths.memoryRestoring);
    try {
      await f.conn.restore(f.paths.memoryRestoring);
    } catch (e) {
      await fs.rename(f.paths.memoryRestoring, f.paths.memorySave); // nothing ran from it: resume may be retried
      throw e;
    }
    await fs.rm(f.paths.memoryRestoring, { force: true });
  } else {
    await f.conn.start(f.dom);
  }
  // a guest saved while paused comes back paused
  const ok = [POWER_STATE.RUNNING, ...(resuming ? [POWER_STATE.PAUSED] : [])];
  if (!(await settle(f, ok, timeoutMs))) throw new Error(`domain did not reach running within ${timeoutMs / 1000} s`);
  await host.started(spec, f.paths.consoleLog, resuming ? 'resumed' : 'booted');
}

/** ACPI power button, then waiting up to `timeoutMs`; false when the guest did not shut down. */
export async function shutdownCleanly(f: Found, timeoutMs: number): Promise<boolean> {
  await f.conn.shutdown(f.dom);
  return settle(f, [POWER_STATE.SHUTDOWN], timeoutMs);
}

/** Off, cleanly (ACPI, up to `timeoutMs`) when asked and possible, else hard. Off already: nothing. */
export async function stop(f: Found, clean: boolean, timeoutMs: number): Promise<void> {
  const state = await stateOf(f);
  if (state === POWER_STATE.SHUTDOWN || state === POWER_STATE.SUSPENDED || state === POWER_STATE.NOSTATE) return;
  if (clean && state === POWER_STATE.RUNNING && (await shutdownCleanly(f, timeoutMs))) return;
  await f.conn.destroy(f.dom);
}

/** Hard stop, undefine, remove the instance directory: what destroy and a failed spawn leave is nothing. */
export async function discard(conn: LibvirtConnection, dom: Domain | null, paths: InstancePaths): Promise<void> {
  if (dom) {
    await conn.destroy(dom);
    await conn.undefine(dom);
  }
  await removeDir(paths.dir);
}
