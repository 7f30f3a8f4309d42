import type { PortRule } from './rules.js';

/**
 * One local address and port kube-proxy serves for a Service port: a TCP listener (listener.ts) or a
 * UDP relay (udp-forwarder.ts). Keyed by the rule's listenKey; the owning Service may change its rule.
 */
export interface Forwarder {
  readonly currentRule: PortRule;
  readonly listening: boolean;
  /** why the socket cannot be opened, while that is so (reported as an event) */
  readonly error: string | undefined;
  /** applies a new rule for the same address: swaps backends, opens or closes the socket as needed */
  apply(rule: PortRule): Promise<void>;
  /** the Service or its port is gone: stop accepting; what is in flight may finish */
  retire(): Promise<void>;
  /** kube-proxy stops: close everything */
  close(): Promise<void>;
}
