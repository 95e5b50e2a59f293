// Debian's Chromium, driven by playwright-core (no browser download): headless, sandbox off (CI
// runs as root), nothing reaching the network by itself, a fresh profile each time. Where it is
// missing the caller says so; under CI=true that is a failure, since CI installs it (.ci/run).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.OCTOSYNC_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (install Debian's chromium package, or set OCTOSYNC_CHROMIUM)`;
}

export async function withBrowser<T>(work: (context: BrowserContext) => Promise<T>, viewport = { width: 1200, height: 900 }): Promise<T> {
  const profile = await mkdtemp(path.join(tmpdir(), 'octosync-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  try {
    return await work(context);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Where screenshots are kept as CI artifacts (git-ignored). */
export const SCREENSHOTS = path.join(process.cwd(), '.ci', 'screenshots');
