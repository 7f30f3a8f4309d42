/** Parses Docker's event stream (one JSON object per line) into runtime events. */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { isRecord } from '../../../api/object.js';
import { LABEL_POD_UID } from '../labels.js';
import type { RuntimeEvent, RuntimeEventType } from '../types.js';

const TYPES: ReadonlySet<string> = new Set<RuntimeEventType>(['create', 'start', 'die', 'oom', 'destroy']);

/** One decoded event line, or undefined when it is not a container event we act on. */
export function parseEventLine(line: string): RuntimeEvent | undefined {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(ev)) return undefined;
  const action = typeof ev.Action === 'string' ? ev.Action : typeof ev.status === 'string' ? ev.status : '';
  const actor = isRecord(ev.Actor) ? ev.Actor : {};
  const id = typeof actor.ID === 'string' ? actor.ID : typeof ev.id === 'string' ? ev.id : '';
  if (!TYPES.has(action) || !id) return undefined;
  const attrs = isRecord(actor.Attributes) ? actor.Attributes : {};
  const out: RuntimeEvent = { type: action as RuntimeEventType, containerId: id };
  const uid = attrs[LABEL_POD_UID];
  if (typeof uid === 'string' && uid) out.podUid = uid;
  return out;
}

export async function* parseEvents(stream: Readable): AsyncIterable<RuntimeEvent> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  for await (const chunk of stream) {
    buf += decoder.write(chunk as Buffer);
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      const ev = line ? parseEventLine(line) : undefined;
      if (ev) yield ev;
    }
  }
}
