// A response body is decoded as it arrives, chunk by chunk: a character split between two chunks,
// a leading byte-order mark and a large body read as they were sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctopusClient } from '../../src/octopus/index.js';

let server: http.Server;
let url: string;
const names = Array.from({ length: 20_000 }, (_, index) => `Umgebung ${index} – Zürich 東京 🚀`);

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(names.map((Name) => ({ Name }))), 'utf8')]);
    response.writeHead(200, { 'Content-Type': 'application/json' });
    // Chunks of 7 bytes and then 1,000: most multi-byte characters are split between two chunks.
    let at = 0;
    const next = (): void => {
      if (at >= body.length) {
        response.end();
        return;
      }
      const size = at < 700 ? 7 : 1000;
      const more = response.write(body.subarray(at, at + size));
      at += size;
      if (more) setImmediate(next);
      else response.once('drain', next);
    };
    next();
    request.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('a response body', () => {
  it('reads as sent when it arrives in pieces that split characters, after a byte-order mark', async () => {
    const client = createOctopusClient({ server: url, apiKey: 'API-TEST' });
    try {
      const items = await client.get<{ Name: string }[]>('/api/environments/all');
      expect(items.map((item) => item.Name)).toEqual(names);
    } finally {
      await client.close();
    }
  });
});
