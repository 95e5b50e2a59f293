// The shared raw-HTTP helper (test/support/sim-http.ts), recording every exchange so a test can
// check every response it provoked (create, update and error responses too), not only reads.
import type { Simulator } from '../../../../src/simulator/index.js';
import { simHttp } from '../../../support/sim-http.js';

export interface Exchange {
  method: string;
  /** Path with query, as sent. */
  url: string;
  status: number;
  body: unknown;
}

export type Json = Record<string, unknown>;

export class SimHttp {
  readonly exchanges: Exchange[] = [];
  private readonly raw: ReturnType<typeof simHttp>;

  constructor(sim: Pick<Simulator, 'url' | 'apiKey'>, apiKey: string = sim.apiKey) {
    this.raw = simHttp(sim, apiKey);
  }

  async request(method: string, url: string, body?: unknown): Promise<Exchange> {
    const response = await this.raw.send(method, url, body);
    const exchange: Exchange = { method, url, status: response.status, body: response.body as unknown };
    this.exchanges.push(exchange);
    return exchange;
  }

  /** A request that must answer `expected`; the error names the route and the server's answer. */
  async expect<T = Json>(expected: number, method: string, url: string, body?: unknown): Promise<T> {
    const exchange = await this.request(method, url, body);
    if (exchange.status !== expected) {
      throw new Error(`${method} ${url} answered ${exchange.status} (expected ${expected}): ${JSON.stringify(exchange.body)}`);
    }
    return exchange.body as T;
  }

  get<T = Json>(url: string): Promise<T> {
    return this.expect<T>(200, 'GET', url);
  }

  post<T = Json>(url: string, body: unknown): Promise<T> {
    return this.expect<T>(201, 'POST', url, body);
  }

  put<T = Json>(url: string, body: unknown): Promise<T> {
    return this.expect<T>(200, 'PUT', url, body);
  }
}
