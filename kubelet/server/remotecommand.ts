/**
 * exec and attach over the channel WebSocket protocols (kubectl-compat.md §6.2): every binary message is
 * [channel, ...payload] — 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize (`{"Width":…,"Height":…}`);
 * v5 adds 255 = close (`[255, 0]` half-closes stdin). At the end stdout/stderr are flushed, ONE status is written
 * on channel 3 (v4/v5: a JSON Status carrying the exit code; older versions: plain text, only on failure) and the
 * socket is closed with 1000.
 */
import type { WebSocket } from 'ws';
import type { Status } from '../../api/errors.js';
import type { Logger } from '../../common/logger.js';
import type { StreamSession } from '../runtime/types.js';

export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Reads the stream flags of an exec/attach query (upstream: at least one of stdin, stdout, stderr). */
export function remoteCommandOptions(q: URLSearchParams): RemoteCommandOptions {
  const flag = (n: string): boolean => q.get(n) === 'true' || q.get(n) === '1';
  return { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
}

/** The exit status as written on channel 3 by v4+ (apimachinery remotecommand/v4 and streamtranslator). */
export function exitStatus(exitCode: number | undefined, cmd: readonly string[]): Status {
  if (exitCode === undefined || exitCode === 0) return { metadata: {}, status: 'Success' } as Status;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command '${cmd.join(' ')}' exited with ${exitCode}: `,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  } as Status;
}

export function failureStatus(message: string): Status {
  return { metadata: {}, status: 'Failure', message } as Status;
}

function versionOf(p: ChannelProtocol): number {
  const m = /^v(\d)\./.exec(p);
  return m ? Number(m[1]) : 1;
}

function frame(channel: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), payload]);
}

/** Writes the final status for `protocol` and closes the socket normally. */
export function finish(ws: WebSocket, protocol: ChannelProtocol, status: Status): void {
  if (ws.readyState !== ws.OPEN) return;
  const v = versionOf(protocol);
  if (v >= 4) ws.send(frame(ERROR, Buffer.from(JSON.stringify(status))));
  else if (status.status !== 'Success') ws.send(frame(ERROR, Buffer.from(status.message ?? 'error')));
  ws.close(1000);
}

/**
 * Connects a runtime session to the WebSocket until the process ends (or the client goes away). Call it right
 * after the upgrade: client messages that arrive while the session is being created are queued, not lost
 * (kubectl sends stdin and its close signal at once).
 */
export async function bridge(ws: WebSocket, protocol: ChannelProtocol, starting: Promise<StreamSession>, cmd: readonly string[], log: Logger): Promise<void> {
  const v = versionOf(protocol);
  const queued: Buffer[] = [];
  let session: StreamSession | undefined;
  const onClientMessage = (data: Buffer): void => {
    const s = session;
    if (!s) {
      queued.push(data);
      return;
    }
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STDIN) {
      if (payload.length > 0) s.stdin?.write(payload);
    } else if (channel === RESIZE && v >= 3) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
        if (size.Width && size.Height) s.resize(size.Width, size.Height).catch((e: unknown) => log.debug({ err: String(e) }, 'resize failed'));
      } catch (e) {
        log.debug({ err: String(e) }, 'ignoring a malformed resize message');
      }
    } else if (channel === CLOSE && v >= 5 && payload[0] === STDIN) {
      s.stdin?.end();
    }
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary && data.length > 0) onClientMessage(data);
  });
  let clientGone = false;
  ws.once('close', () => {
    clientGone = true;
    session?.close();
  });
  try {
    session = await starting;
  } catch (e) {
    finish(ws, protocol, failureStatus(e instanceof Error ? e.message : String(e)));
    return;
  }
  if (clientGone) {
    session.close();
    return;
  }
  for (const m of queued.splice(0)) onClientMessage(m);
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
  };
  const outputs: [NodeJS.ReadableStream | undefined, number][] = [
    [session.stdout, STDOUT],
    [session.stderr, STDERR],
  ];
  const flushed = Promise.all(
    outputs.map(
      ([stream, ch]) =>
        new Promise<void>((resolve) => {
          if (!stream) return resolve();
          stream.on('data', (d: Buffer) => send(ch, d));
          stream.once('end', resolve);
          stream.once('close', resolve);
          stream.once('error', () => resolve());
        }),
    ),
  );
  const exitCode = await session.done;
  await flushed;
  finish(ws, protocol, exitStatus(exitCode, cmd));
}
