// Writers look resources up through an index per list and field, built once (a scan per document
// grew with the square of the number of documents): the same answers as a scan.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/core/document.js';
import { filterByField, findByField } from '../../src/kinds/writing.js';

describe('looking live resources up by a field', () => {
  const channels: JsonObject[] = [
    { Id: 'Channels-1', ProjectId: 'Projects-1', Name: 'Default' },
    { Id: 'Channels-2', ProjectId: 'Projects-2', Name: 'Default' },
    { Id: 'Channels-3', ProjectId: 'projects-1', Name: 'Hotfix' },
    { Id: 'Channels-4', Name: 'No project' },
  ];

  it('finds every resource with the value, case-insensitively and in list order', () => {
    expect(filterByField(channels, 'ProjectId', 'PROJECTS-1').map((channel) => channel.Id)).toEqual(['Channels-1', 'Channels-3']);
    expect(filterByField(channels, 'ProjectId', 'Projects-3')).toEqual([]);
    expect(filterByField(channels, 'ProjectId', '').map((channel) => channel.Id)).toEqual(['Channels-4']);
  });

  it('finds the first one', () => {
    expect(findByField(channels, 'Name', 'default')?.Id).toBe('Channels-1');
    expect(findByField(channels, 'Name', 'Missing')).toBeUndefined();
  });

  it('answers for a new list as it is, not from the index of another', () => {
    expect(findByField(channels, 'Name', 'Hotfix')?.Id).toBe('Channels-3');
    const reread: JsonObject[] = [{ Id: 'Channels-9', ProjectId: 'Projects-1', Name: 'Hotfix' }];
    expect(findByField(reread, 'Name', 'Hotfix')?.Id).toBe('Channels-9');
  });
});
