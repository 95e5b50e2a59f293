// Raw HTTP against a simulator, for tests that check the wire itself.
import type { Simulator } from '../../src/simulator/index.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  body: any;
}

export interface SimHttp {
  get(path: string): Promise<RawResponse>;
  post(path: string, body: unknown): Promise<RawResponse>;
  put(path: string, body: unknown): Promise<RawResponse>;
  del(path: string): Promise<RawResponse>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
}

export function simHttp(sim: Pick<Simulator, 'url' | 'apiKey'>, apiKey: string | null = sim.apiKey): SimHttp {
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: {
        ...(apiKey === null ? {} : { 'X-Octopus-ApiKey': apiKey }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    send,
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    del: (path) => send('DELETE', path),
  };
}
