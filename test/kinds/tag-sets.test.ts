import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { tagSets } from '../../src/kinds/tag-sets/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';

const fixture = fixturesIn(new URL('./tag-sets/fixtures/', import.meta.url));
const captured: LiveSpace = { tagsets: fixture<JsonObject[]>('tagsets-all-simulator.json') };

const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { document, applyDocuments, readDocuments, invalidAt } = kindChecks(tagSets, 'tagsets');

describe('tag-sets kind', () => {
  it('writes tags in their order without ids, sort orders or canonical names', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = tagSets.toDocuments(captured, names);
    expect(names.problems).toEqual([]);
    expect(byFile(docs)).toEqual([
      {
        kind: 'tag-sets',
        name: 'Region',
        file: 'tag-sets/region.yaml',
        body: {
          Name: 'Region',
          Description: 'Where a tenant is hosted.',
          SortOrder: 0,
          Tags: [
            { Name: 'EU', Description: 'Frankfurt and Dublin', Color: '#3156B3' },
            { Name: 'US', Color: '#7E3AB3' },
          ],
        },
      },
      {
        kind: 'tag-sets',
        name: 'Tier',
        file: 'tag-sets/tier.yaml',
        body: {
          Name: 'Tier',
          SortOrder: 1,
          Tags: [
            { Name: 'Gold', Color: '#C9A227' },
            { Name: 'Silver', Color: '#A7A9AC' },
            { Name: 'Bronze', Color: '#8C5A2B' },
          ],
        },
      },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('creates what the documents describe in a fresh server and reads back the same documents', async () => {
    const sim = await simulator();
    const docs = tagSets.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it("keeps the destination's tag ids when it updates a tag set, and gives new tags new ones", async () => {
    const sim = await simulator();
    const docs = tagSets.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    await applyDocuments(sim, docs);
    const tagIds = async () => ((await readLive(sim!, ['tagsets'])).tagsets ?? []).flatMap((set) => (set.Tags as JsonObject[]).map((tag) => `${String(tag.CanonicalTagName)}=${String(tag.Id)}`));
    const before = await tagIds();
    // Reordered, one tag renamed in case only, one added: existing tags keep their ids.
    const tier = docs.find((doc) => doc.name === 'Tier')!;
    const edited = { ...tier, body: { ...tier.body, Tags: [{ Name: 'Platinum', Color: '#E5E4E2' }, { Name: 'bronze', Color: '#8C5A2B' }, { Name: 'Gold', Color: '#C9A227' }, { Name: 'Silver', Color: '#A7A9AC' }] } };
    expect(await applyDocuments(sim, [edited])).toEqual([]);
    const after = await tagIds();
    const idOf = (ids: string[], tag: string) => ids.find((entry) => entry.toLowerCase().startsWith(`${tag.toLowerCase()}=`))?.split('=')[1];
    expect(['Region/EU', 'Region/US', 'Tier/Gold', 'Tier/Silver', 'Tier/Bronze'].map((tag) => idOf(after, tag))).toEqual(
      ['Region/EU', 'Region/US', 'Tier/Gold', 'Tier/Silver', 'Tier/Bronze'].map((tag) => idOf(before, tag)),
    );
    expect(idOf(after, 'Tier/Platinum')).toMatch(/^TagSets-\d+-\d+$/);
    expect(before).not.toContain(`Tier/Platinum=${idOf(after, 'Tier/Platinum')}`);
    const tierAfter = (await readDocuments(sim)).find((doc) => doc.name === 'Tier');
    expect(tierAfter?.body.Tags).toEqual(edited.body.Tags);
  });

  it('orders tags by SortOrder and tag sets by file, whatever order the server lists them in', () => {
    const shuffled: LiveSpace = { tagsets: [...(captured.tagsets ?? [])].reverse().map((set) => ({ ...set, Tags: [...(set.Tags as Json[])].reverse() })) };
    const docs = (live: LiveSpace) => byFile(tagSets.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs(shuffled)).toEqual(docs(captured));
  });

  it('turns positions back into SortOrder and leaves tag ids to the server for a new tag set', () => {
    const doc = document({ Name: 'Tier', Tags: [{ Name: 'Gold' }, { Name: 'Silver' }] });
    expect(tagSets.toPayload(doc, new IdResolver(buildRefTable({})))).toEqual({ Name: 'Tier', Tags: [{ Name: 'Gold', SortOrder: 0 }, { Name: 'Silver', SortOrder: 1 }] });
  });

  it('documents satisfy the schema; tag ids, canonical names, slashes and bad colours do not', () => {
    for (const doc of tagSets.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('tag-sets', doc.body)).toEqual([]);
    expect(invalidAt({ Name: 'Tier', Tags: [{ Id: 'TagSets-2-1', Name: 'Gold', CanonicalTagName: 'Tier/Gold', SortOrder: 0 }] })).toEqual(['/Tags/0/Id', '/Tags/0/CanonicalTagName', '/Tags/0/SortOrder']);
    expect(invalidAt({ Name: 'Tier', Tags: [{ Name: 'Gold', Color: 'gold' }] })).toEqual(['/Tags/0/Color']);
    expect(invalidAt({ Name: 'Tier', Tags: [{ Name: 'Gold/Plus' }] })).toEqual(['/Tags/0/Name']);
    expect(invalidAt({ Name: 'Tier', Type: 'SingleSelect', Scopes: ['Tenant'], Tags: [] })).toEqual([]);
  });
});
