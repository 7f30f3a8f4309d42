/**
 * The kubelet-managed /etc/hosts and /etc/resolv.conf of a pod: written to `<podDir>/etc-hosts` and
 * `<podDir>/etc-resolv.conf` (upstream's etc-hosts file; the resolv.conf a CRI runtime would write for the sandbox)
 * and bind-mounted into every container. A container that mounts one of these paths itself keeps its own, as
 * upstream. The files are rewritten in place (same inode), so running containers see updates.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { formatResolvConf, parseResolvConf, type ResolvConf } from '../../common/resolv-conf.js';
import type { Mount } from '../runtime/types.js';
import { hostsFileContent, podDnsConfig, type DnsSettings } from './dns.js';
import type { PodEvents } from './events.js';

export const ETC_HOSTS = '/etc/hosts';
export const ETC_RESOLV_CONF = '/etc/resolv.conf';

export interface EtcFilesOptions {
  /** The pod's directory on the host (bind sources must be valid paths for the Docker daemon). */
  podDir(uid: string): string;
  clusterDNS: readonly string[];
  clusterDomain: string;
  /** The node's resolv.conf (kubelet --resolv-conf); '' = none. */
  resolvConf: string;
  events: PodEvents;
}

async function writeIfChanged(file: string, content: string): Promise<void> {
  try {
    if ((await fs.readFile(file, 'utf8')) === content) return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content, { mode: 0o644 });
}

export class PodEtcFiles {
  constructor(private readonly opts: EtcFilesOptions) {}

  private async hostResolvConf(): Promise<ResolvConf | undefined> {
    if (!this.opts.resolvConf) return undefined;
    return parseResolvConf(await fs.readFile(this.opts.resolvConf, 'utf8'));
  }

  private settings(host: ResolvConf | undefined): DnsSettings {
    return { clusterDNS: this.opts.clusterDNS, clusterDomain: this.opts.clusterDomain, host };
  }

  /** Writes the pod's files and returns the mounts for `container` (none for hostNetwork pods). */
  async mountsFor(pod: Pod, container: Container, podIPs: readonly string[]): Promise<Mount[]> {
    if (pod.spec?.hostNetwork) return [];
    const uid = pod.metadata?.uid ?? '';
    const dir = this.opts.podDir(uid);
    const own = new Set((container.volumeMounts ?? []).map((m) => path.posix.normalize(m.mountPath)));
    const mounts: Mount[] = [];
    const readOnly = Boolean(container.securityContext?.readOnlyRootFilesystem);
    if (podIPs.length > 0 && !own.has(ETC_HOSTS)) {
      const file = path.join(dir, 'etc-hosts');
      await writeIfChanged(file, hostsFileContent(pod, podIPs, this.opts.clusterDomain));
      mounts.push({ type: 'bind', source: file, target: ETC_HOSTS, readOnly: false });
    }
    if (!own.has(ETC_RESOLV_CONF)) {
      const dns = podDnsConfig(pod, this.settings(await this.hostResolvConf()));
      // repeated warnings are aggregated by the event recorder (count), as upstream's correlator does
      for (const w of dns.warnings) this.opts.events.warning(pod, w.reason, w.message);
      const file = path.join(dir, 'etc-resolv.conf');
      await writeIfChanged(file, formatResolvConf(dns.config));
      mounts.push({ type: 'bind', source: file, target: ETC_RESOLV_CONF, readOnly });
    }
    return mounts;
  }
}
