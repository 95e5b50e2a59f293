// An HTTP proxy in front of a simulator that rewrites chosen answers: a source that lies with
// well-formed, incomplete data (an empty list, a missing item, a page that says more than it holds).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Lie {
  method?: string;
  /** Matched against the request path (without query). */
  path: RegExp;
  /** The answer's JSON → what the proxy returns instead. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are arbitrary JSON
  rewrite: (body: any) => unknown;
}

/** An answer the proxy gives itself, without passing the request on (a server that refuses it). */
export interface Refusal {
  method?: string;
  path: RegExp;
  /** The request's body (text) → the status and JSON body to answer, or undefined to pass it on. */
  answer: (requestBody: string) => { status: number; body: unknown } | undefined;
}

export interface LyingProxy {
  url: string;
  lies: Lie[];
  refusals: Refusal[];
  /** Called when the target answered, before the answer is passed on (e.g. to kill the client then). */
  onAnswer?: (method: string, path: string, status: number) => void;
  /** Milliseconds to hold a request (its body given) before passing it on: a slow write. */
  delay?: (method: string, path: string, body: string) => number;
  /** Requests being handled right now, and the most at once so far, by method. */
  inFlight: Record<string, number>;
  maxInFlight: Record<string, number>;
  /** Paths of the answers rewritten so far. */
  told: string[];
  close(): Promise<void>;
}

export async function lyingProxy(target: string): Promise<LyingProxy> {
  const lies: Lie[] = [];
  const refusals: Refusal[] = [];
  const told: string[] = [];
  const inFlight: Record<string, number> = {};
  const maxInFlight: Record<string, number> = {};
  const proxy: Partial<LyingProxy> = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const method = req.method ?? 'GET';
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
        }
        const pathOnly = new URL(req.url ?? '/', 'http://proxy').pathname;
        const refusal = refusals.find((r) => (!r.method || r.method === method) && r.path.test(pathOnly));
        const refused = refusal?.answer(Buffer.concat(chunks).toString('utf8'));
        if (refused) {
          res.writeHead(refused.status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(refused.body));
          return;
        }
        inFlight[method] = (inFlight[method] ?? 0) + 1;
        maxInFlight[method] = Math.max(maxInFlight[method] ?? 0, inFlight[method]);
        let response: Response;
        let text: string;
        try {
          const wait = proxy.delay?.(method, pathOnly, Buffer.concat(chunks).toString('utf8')) ?? 0;
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          response = await fetch(`${target}${req.url ?? '/'}`, { method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
          text = await response.text();
        } finally {
          inFlight[method] = (inFlight[method] ?? 1) - 1;
        }
        const pathname = new URL(req.url ?? '/', 'http://proxy').pathname;
        const lie = lies.find((l) => (!l.method || l.method === method) && l.path.test(pathname));
        if (lie && response.ok) {
          text = JSON.stringify(lie.rewrite(JSON.parse(text)));
          told.push(pathname);
        }
        proxy.onAnswer?.(method, pathname, response.status);
        res.writeHead(response.status, { 'Content-Type': response.headers.get('content-type') ?? 'application/json' });
        res.end(text);
      })().catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inFlight,
    maxInFlight,
    lies,
    refusals,
    told,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
