// The simple kinds' writers copy a sample instance's documents into an empty one: a second read
// gives the same documents, and writing them again changes nothing.
import { describe, expect, it } from 'vitest';
import { kindNamed } from '../../src/kinds/registry.js';
import type { Kind } from '../../src/kinds/types.js';
import { byKindAndFile, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { harness, sampleAndEmptyPerTest } from '../support/write-harness.js';

const SIMPLE = ['environments', 'worker-pools', 'machine-policies', 'tag-sets', 'feeds', 'lifecycles', 'project-groups'].map((name) => kindNamed(name) as Kind);

const sampleAndEmpty = sampleAndEmptyPerTest();
const simulator = simulatorsClosedAfterEach();

describe('simple kind writers', () => {
  it('create in an empty destination what the sample has, then update it back after a change, idempotently', async () => {
    const { destination, from, to } = await sampleAndEmpty();
    const wanted = await from.documents(SIMPLE);
    // Secrets come from an overlay at apply time: here, a value for every feed password.
    const withSecrets = wanted.map((doc) => (doc.kind === 'feeds' && doc.body.Password ? { ...doc, body: { ...doc.body, Password: { HasValue: true, NewValue: `pw-${doc.name}` } } } : doc));
    await to.write(withSecrets);
    expect(destination.instance.store.secretValues().sort()).toEqual(['pw-Company Helm Charts', 'pw-Docker Hub', 'pw-Internal NuGet']);
    expect(byKindAndFile(await to.documents(SIMPLE))).toEqual(byKindAndFile(wanted));

    destination.knobs.resetCounts();
    await to.write(wanted);
    // Rewriting unchanged documents still PUTs (the harness does not diff); the data stays the same.
    expect(byKindAndFile(await to.documents(SIMPLE))).toEqual(byKindAndFile(wanted));

    const changed = wanted.map((doc) => (doc.kind === 'environments' && doc.name === 'Staging' ? { ...doc, body: { ...doc.body, Description: undefined as never, UseGuidedFailure: true } } : doc));
    const cleaned = changed.map((doc) => ({ ...doc, body: JSON.parse(JSON.stringify(doc.body)) }));
    await to.write(cleaned);
    const staging = (await to.documents(SIMPLE)).find((doc) => doc.kind === 'environments' && doc.name === 'Staging');
    expect(staging?.body).toEqual({ Name: 'Staging', SortOrder: expect.any(Number), UseGuidedFailure: true, AllowDynamicInfrastructure: false });
  });

  it('deletes', async () => {
    const destination = await simulator('sample');
    const to = harness(destination);
    try {
      const kind = kindNamed('project-groups') as Kind;
      const [doc] = (await to.documents([kind])).filter((d) => d.name === 'Default Project Group');
      const live = await to.live();
      const { IdResolver, buildRefTable } = await import('../../src/core/refs.js');
      const ctx = { api: to.client, spaceId: 'Spaces-1', live, ids: new IdResolver(buildRefTable(live)) };
      await kind.writer!.create({ ...doc!, name: 'Temporary', body: { ...doc!.body, Name: 'Temporary' } }, ctx);
      const after = await to.live();
      const created = (await to.documents([kind])).find((d) => d.name === 'Temporary');
      await kind.writer!.remove(created!, { ...ctx, live: after, ids: new IdResolver(buildRefTable(after)) });
      expect((await to.documents([kind])).map((d) => d.name)).not.toContain('Temporary');
    } finally {
      await to.close();
    }
  });
});
