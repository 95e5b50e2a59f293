import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { secretSlots } from '../../src/core/secrets.js';
import { gitCredentials } from '../../src/kinds/git-credentials/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';

const fixture = fixturesIn(new URL('./git-credentials/fixtures/', import.meta.url));
const captured: LiveSpace = { gitcredentials: fixture<{ Items: JsonObject[] }>('git-credentials-simulator.json').Items };
const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { readDocuments, invalidAt } = kindChecks(gitCredentials, 'gitcredentials');

/** Passwords an overlay supplies, by credential name (a snapshot never has them). */
const overlay: Record<string, string> = { 'GitHub deploy bot': 'overlay-github-token', 'Azure Repos': 'overlay-azure-token' };

function documents(live: LiveSpace = captured): KindDocument[] {
  const names = new NameResolver(buildRefTable(live));
  const docs = gitCredentials.toDocuments(live, names);
  expect(names.problems).toEqual([]);
  return byFile(docs);
}

/** Creates or updates each document over HTTP, with the overlay's password where one is given (as apply fills it in). */
async function apply(sim: Simulator, docs: readonly KindDocument[], passwords: Record<string, string> = {}): Promise<void> {
  const http = simHttp(sim);
  const ids = new IdResolver(buildRefTable(await readLive(sim, gitCredentials.reads)));
  for (const doc of docs) {
    const payload = gitCredentials.toPayload(doc, ids);
    const password = passwords[doc.name];
    if (password !== undefined) payload.Details = { ...(payload.Details as JsonObject), Password: { HasValue: true, NewValue: password } };
    const id = ids.table.idOf('gitcredentials', doc.name);
    const response = id ? await http.put(`/api/Spaces-1/git-credentials/${id}`, { ...payload, Id: id }) : await http.post('/api/Spaces-1/git-credentials', payload);
    expect(response.status, response.text).toBe(id ? 200 : 201);
  }
  expect(ids.problems).toEqual([]);
}

describe('git credentials kind', () => {
  it('writes name, description, username and restrictions, and marks the password as held, never its value', () => {
    const docs = documents();
    expect(docs.map((doc) => [doc.name, doc.file])).toEqual([
      ['Azure Repos', 'git-credentials/azure-repos.yaml'],
      ['GitHub deploy bot', 'git-credentials/github-deploy-bot.yaml'],
    ]);
    expect(docs.map((doc) => doc.body)).toEqual([
      { Name: 'Azure Repos', Details: { Password: { HasValue: true }, Type: 'UsernamePassword', Username: 'azure' }, RepositoryRestrictions: { AllowedRepositories: [], Enabled: false } },
      {
        Name: 'GitHub deploy bot',
        Description: 'Reads the deployment repositories',
        Details: { Password: { HasValue: true }, Type: 'UsernamePassword', Username: 'octo-deploy-bot' },
        RepositoryRestrictions: { AllowedRepositories: ['https://github.com/example/deploy-scripts.git', 'https://github.com/example/web-shop.git'], Enabled: true },
      },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
    // The password is a secret slot an overlay fills at `Details.Password`.
    expect(docs.map((doc) => secretSlots(doc.body).map((slot) => slot.path))).toEqual([['Details.Password'], ['Details.Password']]);
    expect(gitCredentials.createRequires).toEqual(['Details.Password']);
  });

  it('creates the credentials in a fresh server with passwords from an overlay, reads back the same documents, and never the passwords', async () => {
    const sim = await simulator();
    const docs = documents();
    await apply(sim, docs, overlay);
    const readBack = await readDocuments(sim);
    expect(readBack).toEqual(docs);
    expect(sim.instance.store.secretValues().sort()).toEqual(['overlay-azure-token', 'overlay-github-token']);
    expect(JSON.stringify(readBack)).not.toMatch(/overlay-/);
  });

  it("keeps the destination's password when a document only says one is held, and changes the rest", async () => {
    const sim = await simulator();
    const docs = documents();
    await apply(sim, docs, overlay);
    const edited = docs.map((doc) => (doc.name === 'Azure Repos' ? { ...doc, body: { ...doc.body, Description: 'Now described' } } : doc));
    await apply(sim, edited);
    expect(sim.instance.store.secretValues().sort()).toEqual(['overlay-azure-token', 'overlay-github-token']);
    expect(await readDocuments(sim)).toEqual(edited);
  });

  it('cannot create a credential without a password: the server refuses it', async () => {
    const sim = await simulator();
    const [doc] = documents();
    const answer = await simHttp(sim).post('/api/Spaces-1/git-credentials', gitCredentials.toPayload(doc!, new IdResolver(buildRefTable({}))));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Password');
  });

  it('writes the same documents whatever order the server lists credentials and allowed repositories in', () => {
    const reversed: LiveSpace = {
      gitcredentials: [...(captured.gitcredentials ?? [])].reverse().map((credential) => {
        const restrictions = credential.RepositoryRestrictions as JsonObject;
        return { ...credential, RepositoryRestrictions: { ...restrictions, AllowedRepositories: [...(restrictions.AllowedRepositories as string[])].reverse() } };
      }),
    };
    expect(documents(reversed)).toEqual(documents());
  });

  it('refers to nothing, and documents satisfy the schema; a password value or a renamed field does not', () => {
    for (const doc of documents()) {
      expect(gitCredentials.references?.(doc) ?? []).toEqual([]);
      expect(schemas.validate('git-credentials', doc.body)).toEqual([]);
    }
    expect(invalidAt({ Name: 'Bot', Details: { Type: 'UsernamePassword', Username: 'u', Password: 'hunter2' } })).toEqual(['/Details/Password']);
    expect(invalidAt({ Name: 'Bot', Details: { Type: 'UsernamePassword', Username: 'u', Password: { HasValue: true, NewValue: 'hunter2' } } })).toEqual(['/Details/Password/NewValue']);
    expect(invalidAt({ Name: 'Bot', Details: { Type: 'Kerberos' } })).toEqual(['/Details/Type']);
    expect(invalidAt({ Name: 'Bot' })).toEqual(['']);
    expect(invalidAt({ Name: 'Bot', Details: { Type: 'UsernamePassword', Username: 'u' }, SomethingNewer: true })).toEqual([]);
  });
});
