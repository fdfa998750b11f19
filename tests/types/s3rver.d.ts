// s3rver ships no types; this is the part of its API the test helper uses
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';
  type Middleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void> | void;
  export type S3rverContext = {
    method: string;
    path: string;
    query: Record<string, string | undefined>;
    status: number;
    body: unknown;
    get(header: string): string;
    set(header: string, value: string): void;
  };
  export default class S3rver {
    constructor(options: {
      address?: string;
      port?: number;
      directory: string;
      silent?: boolean;
      configureBuckets?: { name: string }[];
    });
    middleware: Middleware[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
