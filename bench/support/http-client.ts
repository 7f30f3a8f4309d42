import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpReply {
  status: number;
  body: string;
  /** ms from sending the request until the whole body arrived */
  ms: number;
  /** performance.now() when the whole body had arrived */
  at: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** A minimal keep-alive HTTP/1.1 client for 127.0.0.1 (node:http, less client CPU than fetch). */
export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    readonly base: string,
    maxSockets = 32,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
      if (body !== undefined) {
        headers['content-type'] = contentType;
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(this.base + path, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const at = performance.now();
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: at - started, at });
        });
        res.on('error', reject);
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GET and parse JSON; throws on a non-2xx status, with the server's message. */
  async getJson<T>(path: string): Promise<{ obj: T; reply: HttpReply }> {
    const reply = await this.request('GET', path);
    if (reply.status < 200 || reply.status > 299) throw new Error(`GET ${path}: HTTP ${reply.status}: ${reply.body.slice(0, 300)}`);
    return { obj: JSON.parse(reply.body) as T, reply };
  }

  close(): void {
    this.agent.destroy();
  }
}
