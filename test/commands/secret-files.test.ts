// Secrets read from files (`valueFrom: {file}`, `apiKey: {file}`): only from the directories the
// operator allows, only regular files, only up to a size, and errors that say which file and why.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { MAX_SECRET_FILE_BYTES, secretFilePolicy, secretReader } from '../../src/commands/secret-values.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { writes } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import { postCreated, simHttp } from '../support/sim-http.js';
import type { StateRepo } from '../support/gitops.js';

let dir: string;
let allowed: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'octosync-secret-files-'));
  allowed = path.join(dir, 'allowed');
  await mkdir(allowed);
  await writeFile(path.join(allowed, 'token'), 'a-token\n');
  await writeFile(path.join(dir, 'outside'), 'not for octosync\n');
  await symlink(path.join(dir, 'outside'), path.join(allowed, 'link-out'));
  await writeFile(path.join(allowed, 'huge'), Buffer.alloc(MAX_SECRET_FILE_BYTES + 1, 'x'));
  execFileSync('mkfifo', [path.join(allowed, 'pipe')]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const reader = (dirs = [allowed]) => secretReader({}, { dirs, maxBytes: MAX_SECRET_FILE_BYTES });
const read = (file: string, dirs?: string[]) => reader(dirs).read({ file }, 'the test');

describe('secret files', () => {
  it('reads a file of an allowed directory, relative paths from the first one, without the trailing newline', async () => {
    expect(await read(path.join(allowed, 'token'))).toBe('a-token');
    expect(await read('token')).toBe('a-token');
  });

  it.each([
    ['a file outside the allowed directories', () => path.join(dir, 'outside'), /outside.*outside the directories secrets may be read from/],
    ['a relative path that climbs out', () => '../outside', /outside the directories/],
    ['a link inside that points outside', () => path.join(allowed, 'link-out'), /link-out.*outside the directories/],
    ['/etc/shadow', () => '/etc/shadow', /\/etc\/shadow.*outside the directories/],
    ['a file too large', () => path.join(allowed, 'huge'), /huge.*larger than/],
    ['a named pipe', () => path.join(allowed, 'pipe'), /pipe.*not a regular file/],
    ['a file that does not exist', () => path.join(allowed, 'nothing'), /nothing.*does not exist/],
  ])('refuses %s, naming the file and why', async (_, file, message) => {
    await expect(read(file())).rejects.toThrow(message);
  });

  it('refuses a device even in an allowed directory, without reading it', async () => {
    await expect(read('/dev/zero', ['/dev'])).rejects.toThrow(/\/dev\/zero.*not a regular file/);
  });

  it('allows the state directory’s secrets/ and /run/secrets by default, or what OCTOSYNC_SECRETS_DIRS says', () => {
    expect(secretFilePolicy({ stateDir: '/srv/state', env: {} }).dirs).toEqual(['/srv/state/secrets', '/run/secrets']);
    expect(secretFilePolicy({ stateDir: '/srv/state', env: { OCTOSYNC_SECRETS_DIRS: `/a${path.delimiter}/b` } }).dirs).toEqual(['/a', '/b']);
    expect(secretFilePolicy({ stateDir: '/srv/state', env: { OCTOSYNC_SECRETS_DIRS: '/a' }, secretDirs: ['/c'] }).dirs).toEqual(['/c']);
  });
});

describe('a destination API key from a file', () => {
  let destination: Simulator;
  let repo: StateRepo;

  beforeAll(async () => {
    destination = await startSimulator({ seed: 'empty' });
    repo = await stateRepo();
    await repo.snapshot(destination);
  });

  afterAll(async () => {
    await destination.close();
    await repo.cleanup();
  });

  const plan = (secretDirs?: string[]) => preparePlan({ repo: repo.dir, destination: 'production', env: {}, ...(secretDirs ? { secretDirs } : {}) }).then((p) => p.client.close());

  it('outside the allowed directories: refused naming the file, before any request', async () => {
    await repo.writeDestination('production', { server: destination.url, apiKey: { file: '/etc/shadow' }, branch: 'source' });
    destination.knobs.resetCounts();
    await expect(plan()).rejects.toThrow(/\/etc\/shadow.*outside the directories/);
    expect(destination.knobs.requestCounts().total).toBe(0);
  });

  it('holding something that is not a key: refused naming the file, never "lost the connection"', async () => {
    await writeFile(path.join(allowed, 'binary-key'), Buffer.from([0x41, 0x50, 0x49, 0x2d, 0x00, 0x0a, 0xff, 0x20, 0x41]));
    await repo.writeDestination('production', { server: destination.url, apiKey: { file: path.join(allowed, 'binary-key') }, branch: 'source' });
    destination.knobs.resetCounts();
    await expect(plan([allowed])).rejects.toThrow(/binary-key.*not an API key/);
    expect(destination.knobs.requestCounts().total).toBe(0);
  });

  it('an overlay value from /dev/zero: apply refuses naming the file before any write, nothing read (a plan reads no values)', async () => {
    await postCreated(simHttp(destination), '/api/Spaces-1/feeds', { Name: 'Zero Feed', FeedType: 'NuGet', FeedUri: 'https://zero.example.com', Username: 'u', Password: { HasValue: true, NewValue: 'p' } });
    await repo.snapshot(destination);
    await repo.writeDestination('production', {
      server: destination.url,
      apiKey: { env: 'DEST_KEY' },
      branch: 'source',
      overlays: { secrets: { 'feeds/Zero Feed': { Password: { valueFrom: { file: '/dev/zero' } } } } },
    });
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } })).rejects.toThrow(/\/dev\/zero.*outside the directories/);
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('in an allowed directory: connects with it', async () => {
    await writeFile(path.join(allowed, 'key'), `${destination.apiKey}\n`);
    await repo.writeDestination('production', { server: destination.url, apiKey: { file: 'key' }, branch: 'source' });
    await expect(plan([allowed])).resolves.toBeUndefined();
  });
});
