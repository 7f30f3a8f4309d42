/** Small formatting helpers shared by the printers (upstream printers.go and apimachinery helpers). */
import { isRecord } from '../../api/object.js';

/** labels.FormatLabels: `a=b,c=d` with keys sorted, `<none>` when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** printers.go layoutContainerCells: container names and images, comma separated. */
export function layoutContainerCells(containers: readonly { name?: string; image?: string }[] | undefined): [names: string, images: string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** printers.go listWithMoreString: `a,b,c + 2 more...`, `<unset>` for an empty list. */
export function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** net.JoinHostPort: brackets around IPv6 hosts. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The number of keys of a JSON map (len(map) in Go; 0 for a missing map). */
export function mapSize(v: unknown): number {
  return isRecord(v) ? Object.keys(v).length : 0;
}

/** An integer-valued field as Go's int64(x) would print it (0 when unset). */
export function int(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}
