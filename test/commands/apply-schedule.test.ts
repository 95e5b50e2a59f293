// Kinds that do not need each other are written at the same time: a kind's writes start once
// the kinds it waits for are written, not once every kind before it in the order is. A worker
// pool's create is held by the destination until a feed was created: feeds and worker pools
// refer to nothing of each other, so the feed goes while the worker pool is still being written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { changeDependencies } from '../../src/commands/apply-dependencies.js';
import { kindWaits } from '../../src/commands/apply-schedule.js';
import { kindsInOrder } from '../../src/kinds/registry.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { settlesWhen } from '../support/settles-when.js';

const simulator = simulatorsClosedAfterEach();
let destination: Simulator;
let repo: StateRepo;

beforeEach(async () => {
  destination = await simulator('empty');
  repo = await stateRepo();
  await repo.snapshot(await simulator('synthetic:3'));
  await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
});

afterEach(() => repo.cleanup());

describe('apply schedule', () => {
  it('writes a feed while an unrelated worker pool is still being created', { timeout: 60_000 }, async () => {
    const feedCreated = () => (destination.knobs.requestCounts().byRoute['POST /api/:spaceId/feeds'] ?? 0) > 0;
    // Released once a feed was created, or after 10 s (written one kind after the other, the
    // feed waits for the worker pool and the test fails instead of hanging).
    const release = settlesWhen(feedCreated);
    destination.knobs.addFault({ method: 'POST', path: /\/workerpools$/, holdUntil: release, times: 1 });

    const result = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    expect(result.result).toBe('success');
    const spans = destination.knobs.requestSpans();
    const pool = spans.find((span) => span.method === 'POST' && span.route === '/api/:spaceId/workerpools');
    const feeds = spans.filter((span) => span.method === 'POST' && span.route === '/api/:spaceId/feeds');
    expect(pool).toBeDefined();
    expect(feeds.length).toBeGreaterThan(0);
    // A feed was written, answer and all, before the held worker pool was answered.
    expect(feeds.some((feed) => feed.end < (pool?.end ?? 0))).toBe(true);
    // Nothing is written with a name the destination does not have yet: a second apply writes nothing.
    destination.knobs.resetCounts();
    const again = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    expect(again.result).toBe('no-changes');
  });

  it('writes a project\'s process while its channels are still being written, when the process names none of them', { timeout: 60_000 }, async () => {
    const processWritten = () => Object.entries(destination.knobs.requestCounts().byRoute).some(([route, count]) => route.startsWith('PUT ') && route.endsWith('/deploymentprocesses') && count > 0);
    // Released once a process was written, or after 10 s (with processes waiting for every
    // channel, none is written meanwhile and the test fails instead of hanging).
    const release = settlesWhen(processWritten);
    destination.knobs.addFault({ method: 'POST', path: /\/channels$/, holdUntil: release, times: 1 });

    const result = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    expect(result.result).toBe('success');
    const spans = destination.knobs.requestSpans();
    const channel = spans.find((span) => span.method === 'POST' && span.route === '/api/:spaceId/channels');
    const processes = spans.filter((span) => span.method === 'PUT' && span.route.endsWith('/deploymentprocesses'));
    expect(channel).toBeDefined();
    expect(processes.some((process) => process.end < (channel?.end ?? 0))).toBe(true);
    // Nothing was written with a name the destination did not have yet: a second apply writes nothing.
    const again = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    expect(again.result).toBe('no-changes');
  });

  it('writes channels once the projects and channels are read back, while the projects\' processes are still being read', { timeout: 60_000 }, async () => {
    const channelWritten = () => (destination.knobs.requestCounts().byRoute['POST /api/:spaceId/channels'] ?? 0) > 0;
    // Released once a channel was created, or after 10 s (with channels waiting for every
    // collection the projects' read-back reads, none is created meanwhile and the test fails
    // instead of hanging). Held from the first read of the processes after the plan: the
    // projects' read-back, since no kind before them writes processes.
    const release = settlesWhen(channelWritten);
    const approve = async () => {
      destination.knobs.addFault({ method: 'GET', path: /\/deploymentprocesses$/, holdUntil: release, times: 1 });
      return true;
    };
    const result = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey }, approve });
    expect(result.result).toBe('success');
    const spans = destination.knobs.requestSpans();
    const projects = spans.filter((span) => span.method === 'POST' && span.route === '/api/:spaceId/projects');
    const read = spans.find((span) => span.method === 'GET' && span.route === '/api/:spaceId/deploymentprocesses' && span.start > Math.max(...projects.map((project) => project.end)));
    const channels = spans.filter((span) => span.method === 'POST' && span.route === '/api/:spaceId/channels');
    expect(read).toBeDefined();
    expect(channels.length).toBeGreaterThan(0);
    expect(channels.some((channel) => channel.end < (read?.end ?? 0))).toBe(true);
    // Nothing was written with a name the destination did not have yet: a second apply writes nothing.
    const again = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    expect(again.result).toBe('no-changes');
  });

  it('gives the turns of the writes to the runbooks before the channels and processes written beside them', { timeout: 60_000 }, async () => {
    // One request at a time: the kinds compete for every turn. A new runbook's process waits for
    // every runbook and their read-back, and the project variables for the processes.
    const result = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey }, concurrency: 1 });
    expect(result.result).toBe('success');
    const spans = destination.knobs.requestSpans();
    const starts = (method: string, route: string) => spans.filter((span) => span.method === method && span.route === route).map((span) => span.start);
    const runbooks = starts('POST', '/api/:spaceId/runbooks');
    const channels = starts('POST', '/api/:spaceId/channels');
    const processes = starts('PUT', '/api/:spaceId/projects/:projectId/deploymentprocesses');
    expect(runbooks.length).toBeGreaterThan(1);
    expect(channels.length).toBeGreaterThan(1);
    expect(processes.length).toBeGreaterThan(1);
    // The writes that took their turns before the runbooks were ready aside, the runbooks went first.
    expect(Math.max(...runbooks)).toBeLessThan(Math.max(...channels));
    expect(Math.max(...runbooks)).toBeLessThan(Math.max(...processes));
    const again = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    expect(again.result).toBe('no-changes');
  });

  it('lists outcomes in plan order when a later kind is written first', { timeout: 60_000 }, async () => {
    // The worker pool comes before the feeds in the plan; held until a feed was created, it ends last.
    const feedCreated = () => (destination.knobs.requestCounts().byRoute['POST /api/:spaceId/feeds'] ?? 0) > 0;
    const release = settlesWhen(feedCreated);
    destination.knobs.addFault({ method: 'POST', path: /\/workerpools$/, holdUntil: release, times: 1 });
    const shown: string[] = [];
    const result = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey }, progress: (o) => shown.push(`${o.kind}/${o.name}`) });
    expect(result.result).toBe('success');
    const spans = destination.knobs.requestSpans();
    const pool = spans.find((span) => span.method === 'POST' && span.route === '/api/:spaceId/workerpools');
    const feeds = spans.filter((span) => span.method === 'POST' && span.route === '/api/:spaceId/feeds');
    // The writes did end out of plan order...
    expect(feeds.some((feed) => feed.end < (pool?.end ?? 0))).toBe(true);
    // ...yet the outcomes, and the progress shown as they came, follow the plan.
    const planned = result.plan.changes.map((change) => `${change.kind}/${change.name}`);
    expect(result.outcomes.map((o) => `${o.kind}/${o.name}`)).toEqual(planned);
    expect(shown).toEqual(planned);
  });

  it('waits for the kinds writing what it writes, and for those changing what it refers to', () => {
    const kinds = kindsInOrder();
    const waits = kindWaits(kinds, [], changeDependencies([], [], [], kinds));
    const names = (name: string) => waits(kinds.find((kind) => kind.name === name) ?? kinds[0]!).map((kind) => kind.name);
    expect(names('feeds')).toEqual([]);
    expect(names('worker-pools')).toEqual([]);
    // A new project comes with its default channel, process and variable set: read back first.
    expect(names('channels')).toContain('projects');
    expect(names('deployment-processes')).toContain('projects');
    expect(names('project-variables')).toContain('projects');
    // Nothing changed that they refer to: processes and runbooks need not wait for channels.
    expect(names('deployment-processes')).not.toContain('channels');
    expect(names('runbooks')).not.toContain('channels');
    expect(names('runbooks')).not.toContain('deployment-processes');
    expect(names('deployment-processes')).not.toContain('runbooks');
    // Script modules and library variable sets share the `libraryvariablesets` collection.
    expect(names('script-modules')).toContain('library-variable-sets');
  });
});
