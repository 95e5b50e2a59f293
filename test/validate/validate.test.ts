// `validate` rejects a corpus of broken repositories, each with file, line and pointer.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/commands/validate.js';
import { gitEnvironment } from '../../src/repo/git.js';
import { kindsInOrder } from '../../src/kinds/registry.js';
import { validateRepository } from '../../src/validate/repository.js';
import { loadSchemas } from '../../src/validate/schemas.js';

const schemas = loadSchemas();
const kinds = kindsInOrder();

const CONFIG = 'source:\n  server: https://octopus.example.com\n  apiKey:\n    env: OCTOPUS_API_KEY\nspaces:\n  - Default\n';
const DEV = 'Name: Dev\nSortOrder: 0\nUseGuidedFailure: false\n';
const PROD = 'Name: Production\nSortOrder: 1\nUseGuidedFailure: true\n';
const LIFECYCLE = [
  'Name: Dev to Production',
  'Phases:',
  '  - Name: Development',
  '    AutomaticDeploymentTargets:',
  '      - Dev',
  '  - Name: Production',
  '    OptionalDeploymentTargets:',
  '      - Production',
  '',
].join('\n');

function repo(extra: Record<string, string> = {}): Map<string, string> {
  return new Map(
    Object.entries({
      'octosync.yaml': CONFIG,
      'spaces/default/environments/dev.yaml': DEV,
      'spaces/default/environments/production.yaml': PROD,
      'spaces/default/lifecycles/dev-to-production.yaml': LIFECYCLE,
      ...extra,
    }),
  );
}

function errorsOf(files: Map<string, string>) {
  return validateRepository(files, schemas, kinds).errors;
}

describe('validate', () => {
  it('accepts a valid repository', () => {
    const report = validateRepository(repo(), schemas, kinds);
    expect(report.errors).toEqual([]);
    expect(report.documents).toBe(3);
  });

  it.each([
    [
      'malformed YAML',
      { 'spaces/default/environments/test.yaml': 'Name: Test\nSortOrder: [1, 2\n' },
      { file: 'spaces/default/environments/test.yaml', line: 3, pointer: '', message: expect.stringMatching(/^invalid YAML: /) },
    ],
    [
      'a wrong type',
      { 'spaces/default/environments/test.yaml': 'Name: Test\nSortOrder: first\n' },
      { file: 'spaces/default/environments/test.yaml', line: 2, pointer: '/SortOrder', message: 'must be integer' },
    ],
    [
      'a server-managed field',
      { 'spaces/default/environments/test.yaml': 'Name: Test\nId: Environments-3\n' },
      { file: 'spaces/default/environments/test.yaml', line: 2, pointer: '/Id', message: "field 'Id' is not allowed here" },
    ],
    [
      'an unknown field where the schema forbids one',
      { 'octosync.yaml': `${CONFIG}colour: blue\n` },
      { file: 'octosync.yaml', line: 7, pointer: '/colour', message: "unknown field 'colour'" },
    ],
    [
      'a missing required field',
      { 'spaces/default/environments/test.yaml': 'Description: nameless\n' },
      { file: 'spaces/default/environments/test.yaml', line: 1, pointer: '', message: "missing required field 'Name'" },
    ],
    [
      'a dangling reference',
      { 'spaces/default/lifecycles/dev-to-production.yaml': LIFECYCLE.replace('      - Production', '      - Prod') },
      {
        file: 'spaces/default/lifecycles/dev-to-production.yaml',
        line: 8,
        pointer: '/Phases/1/OptionalDeploymentTargets/0',
        message: "refers to the environment 'Prod', which does not exist in the repository",
      },
    ],
    [
      'a duplicate name (ignoring case)',
      { 'spaces/default/environments/dev-2.yaml': 'Name: DEV\n' },
      {
        // Files are read in path order, so the later one (dev.yaml sorts after dev-2.yaml) is reported.
        file: 'spaces/default/environments/dev.yaml',
        line: 1,
        pointer: '/Name',
        message: "duplicate name: 'Dev' is also the name of spaces/default/environments/dev-2.yaml (names are unique per kind and space, ignoring case)",
      },
    ],
    [
      'a file in no known place',
      { 'spaces/default/gadgets/x.yaml': 'Name: X\n' },
      { file: 'spaces/default/gadgets/x.yaml', line: 1, pointer: '', message: expect.stringContaining('not a file octosync knows') },
    ],
    [
      'a destination with a bad policy',
      { 'destinations/production.yaml': 'server: https://prod.example.com\napiKey:\n  env: PROD_KEY\nprune: sometimes\n' },
      { file: 'destinations/production.yaml', line: 4, pointer: '/prune', message: 'must be boolean' },
    ],
    [
      'a YAML bomb (aliases that expand without end), naming the file',
      { 'spaces/default/environments/bomb.yaml': ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`), 'Name: Bomb', ''].join('\n') },
      { file: 'spaces/default/environments/bomb.yaml', line: 1, pointer: '', message: expect.stringMatching(/^invalid YAML: .*alias/i) },
    ],
    [
      'a file too large to apply',
      { 'spaces/default/environments/huge.yaml': `Name: Huge\nDescription: ${'x'.repeat(11 * 1024 * 1024)}\n` },
      { file: 'spaces/default/environments/huge.yaml', line: 1, pointer: '', message: expect.stringMatching(/larger than .* MiB/) },
    ],
    [
      'two destinations writing one space of one server',
      {
        'destinations/blue.yaml': 'server: https://prod.example.com\napiKey:\n  env: PROD_KEY\n',
        'destinations/green.yaml': 'server: https://PROD.example.com/\napiKey:\n  env: PROD_KEY\nspaces:\n  Other: Default\n',
      },
      { file: 'destinations/green.yaml', line: 1, pointer: '/server', message: expect.stringMatching(/space 'Default' of https:\/\/prod\.example\.com.*destinations\/blue\.yaml/) },
    ],
  ])('rejects %s', (_name, extra, expected) => {
    expect(errorsOf(repo(extra))).toEqual([expected]);
  });

  it('lists names of never-synced kinds as notes, not errors', () => {
    const policy = 'Name: Linux\nMachineUpdatePolicy:\n  TentacleUpdateAccount: Tentacle Upgrader\n';
    const report = validateRepository(repo({ 'spaces/default/machine-policies/linux.yaml': policy }), schemas, kinds);
    expect(report.errors).toEqual([]);
    expect(report.external).toEqual([{ kind: 'accounts', name: 'Tentacle Upgrader', files: ['spaces/default/machine-policies/linux.yaml'] }]);
  });
});

describe('validate on disk', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function write(files: Map<string, string>): Promise<void> {
    for (const [file, text] of files) {
      await mkdir(path.dirname(path.join(dir!, file)), { recursive: true });
      await writeFile(path.join(dir!, file), text);
    }
  }

  it('validates the working tree, or a commit with --ref', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-validate-'));
    const git = simpleGit(dir).env(gitEnvironment(process.env));
    await git.init();
    await write(repo());
    await git.add('.');
    await git.commit('good');
    const good = (await git.revparse(['HEAD'])).trim();
    await write(new Map([['spaces/default/environments/dev.yaml', 'Name: Dev\nSortOrder: nope\n']]));
    expect((await runValidate({ repo: dir })).errors.map((e) => e.pointer)).toEqual(['/SortOrder']);
    expect((await runValidate({ repo: dir, ref: good })).errors).toEqual([]);
    await expect(runValidate({ repo: dir, ref: 'no-such-branch' })).rejects.toThrow("'no-such-branch' is not a branch, tag or commit");
  });
});

describe('fields the 2026 reference does not know', () => {
  it('a key close to a known one is an error with a suggestion, naming file, line and pointer', () => {
    const report = validateRepository(repo({ 'spaces/default/environments/production.yaml': 'Name: Production\nSortOrder: 1\nUseGuidedFaliure: true\n' }), schemas, kinds);
    expect(report.errors).toEqual([{ file: 'spaces/default/environments/production.yaml', line: 3, pointer: '/UseGuidedFaliure', message: "unknown field 'UseGuidedFaliure' (did you mean UseGuidedFailure?)" }]);
    // In another case too, and for a field documents name without its Id suffix.
    const project = 'Name: Shop\nLifecycle: Dev to Production\nProjectGroup: Default Project Group\nlifecycle: Dev to Production\n';
    expect(errorsOf(repo({ 'spaces/default/projects/shop/project.yaml': project })).map((e) => e.message)).toContain("unknown field 'lifecycle' (did you mean Lifecycle?)");
  });

  it('any other unknown key is a warning, and the document still passes', () => {
    const report = validateRepository(repo({ 'spaces/default/environments/production.yaml': `${PROD}FeatureFromTheFuture: 3\n` }), schemas, kinds);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      { file: 'spaces/default/environments/production.yaml', line: 4, pointer: '/FeatureFromTheFuture', message: expect.stringContaining("unknown field 'FeatureFromTheFuture'") },
    ]);
  });

  it('knows the 2026 fields of each kind: none of them is reported', () => {
    const environment = `${PROD}EnvironmentTags: []\nAllowDynamicInfrastructure: false\n`;
    const report = validateRepository(repo({ 'spaces/default/environments/production.yaml': environment }), schemas, kinds);
    expect([...report.errors, ...report.warnings]).toEqual([]);
  });
});
