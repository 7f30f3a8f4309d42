/** The part of spdy-transport (no bundled types) the port-forward server uses. */
declare module 'spdy-transport' {
  import type { EventEmitter } from 'node:events';
  import type { Duplex } from 'node:stream';

  namespace transport {
    interface SpdyStream extends Duplex {
      readonly id: number;
      /** Lower-cased header names. */
      readonly headers: Record<string, string | string[] | undefined>;
      respond(status: number, headers: Record<string, string>, callback?: (err?: Error) => void): void;
      abort(code?: string, callback?: () => void): void;
    }
    interface HeaderParser {
      parseKVs(buffer: unknown, callback: (err: Error | null, headers?: Record<string, string | string[]>) => void): void;
    }
    interface SpdyConnection extends EventEmitter {
      /** Internal state; kubemu only reaches for the parser (see portforward-spdy.ts). */
      readonly _spdyState: { parser: HeaderParser };
      end(callback?: () => void): void;
      destroyStreams(err?: Error): void;
    }
    interface ConnectionOptions {
      protocol: 'spdy' | 'http2';
      isServer: boolean;
      windowSize?: number;
      maxStreams?: number;
    }
  }
  const transport: {
    connection: { create(socket: Duplex, options: transport.ConnectionOptions): transport.SpdyConnection };
  };
  export = transport;
}
