/**
 * resolv.conf parsing as the kubelet does it (pkg/kubelet/network/dns/dns.go parseResolvConf): `nameserver` lines
 * accumulate, the last `search` line wins (trailing dots dropped, a lone "." ignored), the last `options` line wins.
 * Comments start with `#` (and `;`, as glibc allows).
 */
export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const fields = trimmed.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    switch (fields[0]) {
      case 'nameserver':
        if (fields.length >= 2) out.nameservers.push(fields[1]);
        break;
      case 'search':
        out.searches = fields
          .slice(1)
          .filter((s) => s !== '.')
          .map((s) => s.replace(/\.$/, ''));
        break;
      case 'options':
        out.options = fields.slice(1);
        break;
    }
  }
  return out;
}

/** The file text (containerd's layout: search, nameservers, options). */
export function formatResolvConf(c: ResolvConf): string {
  const lines: string[] = [];
  if (c.searches.length > 0) lines.push(`search ${c.searches.join(' ')}`);
  for (const ns of c.nameservers) lines.push(`nameserver ${ns}`);
  if (c.options.length > 0) lines.push(`options ${c.options.join(' ')}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
