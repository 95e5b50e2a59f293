// The status page in a real browser: a daemon with two destinations, each one's state found on the
// page exactly as /status says it, and a pending commit followed to applied through the page's
// action. Screenshots are kept under .ci/screenshots/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StatusDocument } from '../../src/daemon/status-document.js';
import type { Simulator } from '../../src/simulator/index.js';
import { SCREENSHOTS, chromiumMissing, withBrowser } from '../support/browser.js';
import { LIFECYCLE, requireEnvironments, twoDestinations } from '../support/watch-harness.js';
import type { TwoDestinations, WatchHarness } from '../support/watch-harness.js';

const TOKEN = 'page-token-0123456789';
let staging: Simulator;
let production: Simulator;
let h: WatchHarness;

let setup: TwoDestinations;

beforeEach(async () => {
  setup = await twoDestinations({ sync: 'manual' });
  ({ staging, production, h } = setup);
});

afterEach(() => setup.close());

const startDaemon = (uiToken?: string) =>
  h.start({ env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' }, pollIntervalMs: 500, driftIntervalMs: 0, ...(uiToken ? { uiToken } : {}) });

/** What a destination's fields must say, computed from /status alone. */
function expectedFields(doc: StatusDocument, name: string): Record<string, string[]> {
  const d = doc.destinations.find((x) => x.destination === name);
  if (!d) throw new Error(`no ${name} on /status`);
  const commit = (sha: string) => [sha.slice(0, 12), doc.commits[sha] ?? ''];
  return {
    branch: [d.branch],
    policy: [`sync ${d.policy?.sync}`, `drift ${d.policy?.drift}`, `prune ${d.policy?.prune ? 'on' : 'off'}`],
    applied: d.status.lastApplied ? commit(d.status.lastApplied.commit) : ['never applied'],
    pending: d.pending ? commit(d.pending) : ['none'],
    'last-result': d.status.lastAttempt ? [d.status.lastAttempt.result, ...commit(d.status.lastAttempt.commit)] : ['none yet'],
    drift: [d.status.drift ? `${d.status.drift.changes}` : 'not checked yet'],
  };
}

async function expectPageMatchesStatus(page: Page): Promise<StatusDocument> {
  const doc = (await h.json<StatusDocument>('/status')).body;
  expect(doc.destinations.map((d) => d.destination).sort()).toEqual(['production', 'staging']);
  expect(await page.locator('section[data-destination]').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-destination')).sort())).toEqual(['production', 'staging']);
  for (const d of doc.destinations) {
    for (const [field, parts] of Object.entries(expectedFields(doc, d.destination))) {
      const text = await page.locator(`section[data-destination="${d.destination}"] [data-field="${field}"]`).innerText();
      for (const part of parts) expect(text, `${d.destination} ${field}`).toContain(part);
    }
    const historyRows = await page.locator(`section[data-destination="${d.destination}"] table[data-field="history"] tbody tr`).count();
    expect(historyRows).toBe(Math.min(10, d.status.history.length));
  }
  return doc;
}

describe('the status page', () => {
  const missing = chromiumMissing();
  if (missing) {
    it('needs Chromium', () => {
      console.warn(`the browser test cannot run: ${missing}`);
      // CI installs Chromium (.ci/run): there, not having it is a failure, not a skip.
      expect(process.env.CI === 'true' ? missing : undefined).toBeUndefined();
    });
    return;
  }

  it('shows each destination as /status does, and follows a pending commit to applied through its action', { timeout: 90_000 }, async () => {
    await startDaemon(TOKEN);
    await h.untilApplied('staging', 'staging');
    await h.eventually('the daemon is ready', async () => (await h.json('/readyz')).status === 200);
    await mkdir(SCREENSHOTS, { recursive: true });
    await withBrowser(async (context) => {
      const page = await context.newPage();
      await page.goto(`${h.watch?.url}/?refresh=0`);
      expect(await page.title()).toBe('octosync status');
      const before = await expectPageMatchesStatus(page);
      const pending = before.destinations.find((d) => d.destination === 'production')?.pending;
      expect(pending).toBe(await h.head('production'));
      await page.screenshot({ path: path.join(SCREENSHOTS, 'status-page-pending.png'), fullPage: true });

      // A person types the token and applies production's pending commit.
      const production = page.locator('section[data-destination="production"]');
      await production.getByLabel('Token').first().fill(TOKEN);
      await production.getByRole('button', { name: 'Apply pending commit' }).click();
      await page.waitForURL(/message=/);
      await expect.poll(() => page.getByRole('alert').innerText()).toContain(`production: applied ${String(pending).slice(0, 12)}`);
      expect(await h.appliedCommit('production')).toBe(pending);
      await page.goto(`${h.watch?.url}/?refresh=0`);
      const after = await expectPageMatchesStatus(page);
      expect(after.destinations.find((d) => d.destination === 'production')?.pending).toBeUndefined();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'status-page-applied.png'), fullPage: true });
    });
    // On a phone: one column, nothing wider than the screen.
    await withBrowser(
      async (context) => {
        const page = await context.newPage();
        await page.goto(`${h.watch?.url}/?refresh=0`);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'status-page-phone.png'), fullPage: true });
      },
      { width: 390, height: 844 },
    );
  });

  it('reloads itself, and reads without JavaScript', async () => {
    await startDaemon();
    await h.untilApplied('staging', 'staging');
    await withBrowser(async (context) => {
      const page = await context.newPage();
      await page.goto(`${h.watch?.url}/`);
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('10');
      expect(await page.locator('script').count()).toBe(0);
      // Without a token the page is read-only.
      expect(await page.locator('form').count()).toBe(0);
      await h.commitOn('staging', LIFECYCLE, requireEnvironments(3), 'three first');
      await h.untilApplied('staging', 'staging');
      // The applied commit is recorded a moment before the daemon stops calling it pending.
      await h.eventually('staging has nothing pending', async () => (await h.json<StatusDocument>('/status')).body.destinations.find((d) => d.destination === 'staging')?.pending === undefined);
      await page.reload();
      await expectPageMatchesStatus(page);
    });
  });
});
