/** What services publish to the dashboard (`gateway.publish`); the web imports these types only. */
export type TRealtimeEvent = {
  /** The project the event concerns; null for cloud-wide events (admins only). */
  projectId: string | null;
  /** Dotted name, e.g. `instance.update` (the compute relay uses the bus notification's event type). */
  type: string;
  payload: unknown;
};

/** What a socket receives on its `event` channel. */
export type TRealtimeEnvelope = TRealtimeEvent & { at: string };
