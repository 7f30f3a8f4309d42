import { writeFile } from 'node:fs/promises';
import { RestClient } from '../client/rest.js';
import { requireResource } from '../api/resources.js';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';

export const API_URL = process.env.KUBEMU_API_URL ?? 'http://127.0.0.1:6443';

export function kubeconfigText(server = API_URL): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubemu',
    '  cluster:',
    `    server: ${server}`,
    'contexts:',
    '- name: kubemu',
    '  context:',
    '    cluster: kubemu',
    '    user: kubemu',
    '    namespace: default',
    'current-context: kubemu',
    'users:',
    '- name: kubemu',
    '  user: {}',
    '',
  ].join('\n');
}

export async function writeKubeconfig(file: string): Promise<void> {
  await writeFile(file, kubeconfigText(), { mode: 0o600 });
}

export async function apiReady(): Promise<boolean> {
  try {
    const r = await fetch(`${API_URL}/readyz`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

export interface ClusterView {
  /** heartbeat: the Ready condition's lastHeartbeatTime (ms since epoch, 0 if none) */
  nodes: { name: string; ready: boolean; heartbeat: number; pods: number }[];
  pods: { total: number; running: number; pending: number };
  nodePorts: { service: string; port: number; nodePort: number }[];
}

/** What `kubemu status` shows, read from the API. */
export async function clusterView(): Promise<ClusterView> {
  const client = new RestClient({ server: API_URL, timeoutMs: 5000 });
  try {
    const [nodes, pods, svcs] = await Promise.all([
      client.list<Node>(requireResource('', 'v1', 'nodes'), undefined, {}),
      client.list<Pod>(requireResource('', 'v1', 'pods'), undefined, {}),
      client.list<Service>(requireResource('', 'v1', 'services'), undefined, {}),
    ]);
    const perNode = new Map<string, number>();
    for (const p of pods.items) if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    return {
      nodes: nodes.items.map((n) => {
        const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
        return {
          name: n.metadata?.name ?? '',
          ready: ready?.status === 'True',
          heartbeat: Date.parse(ready?.lastHeartbeatTime ?? '') || 0,
          pods: perNode.get(n.metadata?.name ?? '') ?? 0,
        };
      }),
      pods: {
        total: pods.items.length,
        running: pods.items.filter((p) => p.status?.phase === 'Running').length,
        pending: pods.items.filter((p) => p.status?.phase === 'Pending').length,
      },
      nodePorts: svcs.items.flatMap((s) =>
        (s.spec?.ports ?? []).filter((p) => p.nodePort).map((p) => ({ service: `${s.metadata?.namespace}/${s.metadata?.name}`, port: p.port, nodePort: p.nodePort! })),
      ),
    };
  } finally {
    client.close();
  }
}
