/**
 * Writes a volume's files the way upstream's AtomicWriter does, so that readers never see a half-updated volume:
 *
 *   <dir>/..2025_01_01_00_00_00.123456789/<files>   the current payload
 *   <dir>/..data -> ..2025_01_01_00_00_00.123456789  swapped atomically (rename of a symlink)
 *   <dir>/<key>  -> ..data/<key>                      what applications see
 *
 * An unchanged payload is not rewritten.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Payload } from './payload.js';

const DATA_LINK = '..data';

function validRelative(p: string): boolean {
  if (p === '' || path.isAbsolute(p)) return false;
  return !p.split('/').some((seg) => seg === '..' || seg === '' || seg.startsWith('..'));
}

/** The link's target, or undefined when `p` is missing or not a symlink. */
async function readlinkIfAny(p: string): Promise<string | undefined> {
  try {
    return await fs.readlink(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return undefined;
    throw e;
  }
}

async function readCurrent(dir: string): Promise<Payload | undefined> {
  const target = await readlinkIfAny(path.join(dir, DATA_LINK));
  if (target === undefined) return undefined;
  const root = path.join(dir, target);
  const out: Payload = new Map();
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else {
        const p = path.join(root, r);
        const [data, st] = await Promise.all([fs.readFile(p), fs.stat(p)]);
        out.set(r, { data, mode: st.mode & 0o777 });
      }
    }
  };
  await walk('');
  return out;
}

function samePayload(a: Payload, b: Payload): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const o = b.get(k);
    if (!o || o.mode !== v.mode || !o.data.equals(v.data)) return false;
  }
  return true;
}

function tsDirName(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.${randomBytes(4).readUInt32BE(0)}`;
}

/** Writes `payload` into `dir`; returns whether anything changed. Rejects paths escaping the volume. */
export async function writeAtomically(dir: string, payload: Payload, now = new Date()): Promise<boolean> {
  for (const p of payload.keys()) if (!validRelative(p)) throw new Error(`invalid path in volume payload: ${JSON.stringify(p)}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const current = await readCurrent(dir);
  if (current && samePayload(current, payload)) return false;
  const oldTarget = await readlinkIfAny(path.join(dir, DATA_LINK));
  const tsDir = tsDirName(now);
  await fs.mkdir(path.join(dir, tsDir), { mode: 0o755 });
  for (const [rel, f] of payload) {
    const p = path.join(dir, tsDir, rel);
    await fs.mkdir(path.dirname(p), { recursive: true, mode: 0o755 });
    await fs.writeFile(p, f.data, { mode: f.mode });
    await fs.chmod(p, f.mode);
  }
  const tmpLink = path.join(dir, `..data_tmp`);
  await fs.rm(tmpLink, { force: true });
  await fs.symlink(tsDir, tmpLink);
  await fs.rename(tmpLink, path.join(dir, DATA_LINK));
  const visible = new Set([...payload.keys()].map((k) => k.split('/')[0]));
  for (const name of visible) {
    const link = path.join(dir, name);
    if ((await readlinkIfAny(link)) === path.join(DATA_LINK, name)) continue;
    await fs.rm(link, { force: true, recursive: true });
    await fs.symlink(path.join(DATA_LINK, name), link);
  }
  for (const e of await fs.readdir(dir)) {
    if (e.startsWith('..') || visible.has(e)) continue;
    await fs.rm(path.join(dir, e), { force: true, recursive: true });
  }
  if (oldTarget) await fs.rm(path.join(dir, oldTarget), { force: true, recursive: true });
  return true;
}
