/**
 * Image references: which registry an image comes from, and whether kubemu may contact it. kubemu runs offline:
 * only registries on the loopback interface are ever contacted (reliability-security.md: traffic stays on
 * 127.0.0.0/8 and the project's own containers).
 */

/** The registry host of a reference (`docker.io` when none is named), as docker's reference parsing. */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return first;
  return 'docker.io';
}

export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Adds `:latest` when a reference has neither tag nor digest (upstream applyDefaultImageTag). */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

/** The pull policy upstream defaults to: Always for `:latest` or untagged images, else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  return withDefaultTag(image).endsWith(':latest') ? 'Always' : 'IfNotPresent';
}
