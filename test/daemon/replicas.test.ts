// Replicas of `watch --shard i/n` on one state repository share its destinations: each destination
// is reconciled by one replica at a time, its preferred replica when that one runs, another when
// it does not. The replicas here run in this process (the cross-process kill is in
// test/cli/cli.test.ts); each has a state directory of its own, as on another machine.
import { hostname } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/daemon/logger.js';
import { startWatch } from '../../src/daemon/watch.js';
import { destinationLeaseRef, parseShard, Replica, shardLeaseRef, shardOf } from '../../src/daemon/replicas.js';
import { gitEnvironment } from '../../src/repo/git.js';
import { eventually, InProcessReplica, logEntries, looksUntil, replicaSetup, taken } from '../support/replica-harness.js';
import type { ReplicaSetup } from '../support/replica-harness.js';

// Several replicas, simulators and git round trips per poll: seconds each on 2 shared cores.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 60_000 });

describe('shards', () => {
  it.each([
    ['1/2', { index: 1, count: 2 }],
    ['3/3', { index: 3, count: 3 }],
    [' 2/5 ', { index: 2, count: 5 }],
    ['octosync-0/3', { index: 1, count: 3 }],
    ['octosync-sync-2/3', { index: 3, count: 3 }],
  ])('reads %j', (spec, shard) => {
    expect(parseShard(spec)).toEqual(shard);
  });

  it.each(['0/2', '3/2', '1/0', '2', 'a/b', 'octosync-3/3', '-1/2'])('refuses %j, saying what it expects', (spec) => {
    expect(() => parseShard(spec)).toThrow(/is not i\/n with 1 ≤ i ≤ n/);
  });

  it('hashes a name with FNV-1a, the same in every replica', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c (the published test vector): 3826002220 mod 7 = 5, shard 6.
    expect(shardOf('a', 7)).toBe((0xe40c292c % 7) + 1);
    expect([shardOf('staging', 2), shardOf('production', 2), shardOf('qa', 2), shardOf('emea', 2)]).toEqual([1, 1, 2, 2]);
    expect(shardOf('anything', 1)).toBe(1);
  });
});

describe('replicas on one state repository', () => {
  let setup: ReplicaSetup | undefined;
  const replicas: InProcessReplica[] = [];

  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.stop()));
    await setup?.close();
    setup = undefined;
  });

  const logsOf = () => replicas.map((replica) => `--- replica ${replica.id}:\n${replica.logs.slice(-15).join('')}`).join('\n');

  it('apply each destination once, by the replica of its shard; a replica that stops hands its destinations over within a poll', async () => {
    setup = await replicaSetup(['staging', 'qa']);
    const one = new InProcessReplica(setup, '1');
    const two = new InProcessReplica(setup, '2');
    replicas.push(one, two);
    // A poll interval of 1 s; leases that outlast a busy machine's renewals (in one process both
    // replicas have one pid, so only the time to live tells a stopped one).
    const timing = { pollIntervalMs: 1000, leaseTtlMs: 15_000 };

    // Alone, the first replica stands in for the shard nobody runs.
    await one.start({ ...timing, shard: { index: 1, count: 2 } });
    await eventually('replica 1 runs every destination', () => one.running().length === 2, 60_000, logsOf);
    // The replica of shard 2 starts: replica 1 hands it its destinations.
    await two.start({ ...timing, shard: { index: 2, count: 2 } });
    await eventually('each replica runs its own shard', () => one.running().join() === 'staging' && two.running().join() === 'qa', 60_000, logsOf);

    const commit = await setup.addEnvironment('Canary');
    const dirs = [one.stateDir, two.stateDir];
    for (const [name, replica] of [['staging', one], ['qa', two]] as const) {
      await eventually(`${name} applies the new commit`, async () => (await setup?.appliedIn(replica.stateDir, name)) === commit, 60_000, logsOf);
    }
    // Give a second applier the time to show itself: two more looks at the leases by each replica.
    const appliedAt = Date.now();
    const looksSince = (replica: InProcessReplica) => logEntries(replica.logs.join('')).filter((entry) => entry.time >= appliedAt && entry.msg === 'replica: reading the leases').length;
    await eventually('two more looks at the leases by each replica', () => looksSince(one) >= 2 && looksSince(two) >= 2, 60_000, logsOf);
    for (const name of setup.destinations.keys()) {
      expect(setup.environmentCreates(name), `${name}: environments created`).toBe(1);
      expect(await setup.attemptsOf(dirs, name, commit), `${name}: attempts of the commit over both replicas`).toBe(1);
    }

    // Replica 2 shuts down (its leases released): replica 1 takes its destinations at its next
    // look at the leases, which it takes once per poll interval.
    await two.stop();
    const releasedAt = Date.now();
    await eventually('replica 1 runs every destination again', () => one.running().length === 2, 60_000, logsOf);
    expect(looksUntil(logEntries(one.logs.join('')), releasedAt, taken('qa')), 'looks at the leases before taking qa').toBeLessThanOrEqual(1);
    const next = await setup.addEnvironment('Blue');
    for (const name of setup.destinations.keys()) {
      await eventually(`${name} applies the next commit on replica 1`, async () => (await setup?.appliedIn(one.stateDir, name)) === next, 60_000, logsOf);
      expect(setup.environmentCreates(name), `${name}: environments created`).toBe(2);
    }
  });

  it('leave another machine\'s destinations alone while it renews its leases, and take them once they run out', async () => {
    setup = await replicaSetup(['staging', 'qa']);
    // Another machine runs shard 2 (qa), renewing its leases (time to live 3 s) as a replica does.
    const git = simpleGit(setup.repo.dir).env(gitEnvironment(process.env));
    const tree = (await git.raw(['hash-object', '-t', 'tree', '-w', '/dev/null'])).trim();
    let renewedAt = 0;
    const renewTheirs = async () => {
      const at = Date.now();
      const holder = { pid: 4242, host: `${hostname()}-elsewhere`, since: new Date(at).toISOString(), renewedAt: new Date(at).toISOString(), ttlMs: 3000, token: 'theirs' };
      const lease = (await git.raw(['commit-tree', tree, '-m', JSON.stringify(holder)])).trim();
      await git.raw(['push', '--quiet', '--force', setup?.origin ?? '', `${lease}:${shardLeaseRef({ index: 2, count: 2 })}`, `${lease}:${destinationLeaseRef('qa')}`]);
      renewedAt = at;
    };
    await renewTheirs();

    const one = new InProcessReplica(setup, '1');
    replicas.push(one);
    const start = one.start({ pollIntervalMs: 1000, leaseTtlMs: 15_000, shard: { index: 1, count: 2 } });
    // Renewed every 0.5 s until replica 1 runs, then for 4 s more (longer than the time to live).
    let runningSince: number | undefined;
    while (runningSince === undefined || Date.now() - runningSince < 4000) {
      await renewTheirs();
      if (one.watch) expect(one.running(), logsOf()).not.toContain('qa');
      if (runningSince === undefined && one.running().includes('staging')) runningSince = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await start;
    expect(one.running()).toEqual(['staging']);
    expect(await setup.appliedIn(one.stateDir, 'qa')).toBeUndefined();
    // The other machine stops renewing: its leases run out 3 s after the last renewal, and
    // replica 1 takes qa at its first look at the leases after that (one look per poll interval).
    const lastRenewal = renewedAt;
    await eventually('replica 1 takes qa over', () => one.running().includes('qa'), 30_000, logsOf);
    const entries = logEntries(one.logs.join(''));
    const takenAt = entries.find(taken('qa'))?.time ?? 0;
    expect(takenAt - lastRenewal, 'not before the lease ran out').toBeGreaterThanOrEqual(3000);
    expect(looksUntil(entries, lastRenewal + 3000, taken('qa')), 'looks at the leases after they ran out, before taking qa').toBeLessThanOrEqual(1);
    const commit = await setup.addEnvironment('Canary');
    await eventually('qa applies the new commit on replica 1', async () => (await setup?.appliedIn(one.stateDir, 'qa')) === commit, 60_000, logsOf);
    expect(setup.environmentCreates('qa')).toBe(1);
  });

  it('take no lease back once they released theirs at shutdown (a look at the leases asked for before the release)', async () => {
    setup = await replicaSetup(['staging', 'qa']);
    const clone = path.join(setup.work, 'clone');
    await simpleGit().env(gitEnvironment(process.env)).clone(setup.url, clone);
    const replica = new Replica({ repo: clone, shard: { index: 1, count: 2 }, ttlMs: 15_000, logger: createLogger({ level: 'silent' }) });
    // Alone, it runs both (standing in for shard 2), then shuts down.
    expect((await replica.select(['staging', 'qa'])).run.sort()).toEqual(['qa', 'staging']);
    expect(Object.keys(await setup.leaseHolders()).sort()).toEqual(['qa', 'staging']);
    await replica.releaseAll();
    expect(await setup.leaseHolders()).toEqual({});
    // A poll or the lease clock that was waiting its turn runs now: it must not take them again,
    // or they stay held by a stopped replica until they run out.
    expect(await replica.select(['staging', 'qa'])).toEqual({ run: [], letGo: [] });
    expect(await setup.leaseHolders()).toEqual({});
    expect(replica.state()).toMatchObject({ shardHeld: false, running: [] });
  });

  it('refuse to run without an origin to hold the leases', async () => {
    setup = await replicaSetup(['staging']);
    const local = new InProcessReplica(setup, 'local');
    replicas.push(local);
    await expect(startWatch({ repo: setup.repo.dir, stateDir: local.stateDir, env: {}, logger: createLogger({ level: 'silent' }), port: 0, shard: { index: 1, count: 2 } })).rejects.toThrow(/--shard needs a state repository with an origin remote/);
  });
});
