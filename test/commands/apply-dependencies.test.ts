// Which changes need which: what makes a failed write stop only what depends on it. Pure: plan
// and documents in, dependencies out.
import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument, KindName } from '../../src/core/document.js';
import type { PlannedChange } from '../../src/core/plan.js';
import { changeDependencies } from '../../src/commands/apply-dependencies.js';
import { kindsInOrder } from '../../src/kinds/registry.js';

const doc = (kind: KindName, name: string, body: JsonObject): KindDocument => ({ kind, name, file: `${kind}/${name}.yaml`, body });
const change = (action: PlannedChange['action'], kind: KindName, name: string): PlannedChange => ({ action, kind, title: kind, space: 'Default', name, fields: [], secrets: [] });
const shown = (changes: readonly PlannedChange[]) => changes.map((c) => `${c.action} ${c.kind} ${c.name}`);

describe('change dependencies', () => {
  const production = doc('environments', 'Production', { Name: 'Production' });
  const tier = doc('tag-sets', 'Tier', { Name: 'Tier', Tags: [{ Name: 'Gold' }] });
  const lifecycle = doc('lifecycles', 'Standard', { Name: 'Standard', Phases: [{ Name: 'Live', OptionalDeploymentTargets: ['Production'] }] });
  const project = doc('projects', 'Web Shop', { Name: 'Web Shop', ProjectGroup: 'Default Project Group', Lifecycle: 'Standard' });
  const process = doc('deployment-processes', 'Web Shop', { Project: 'Web Shop', Steps: [{ Name: 'Deploy', Actions: [{ Name: 'Deploy', ActionType: 'Octopus.Script', TenantTags: ['Tier/Gold'] }] }] });
  const variables = doc('project-variables', 'Web Shop', { Project: 'Web Shop', Variables: [{ Name: 'Timeout', Type: 'String', Value: '60', Scope: { Action: ['Deploy'] } }] });
  const kinds = kindsInOrder();

  it('a write needs the changes that make the names it refers to, when the destination does not have them', () => {
    const changes = [change('create', 'environments', 'Production'), change('create', 'tag-sets', 'Tier'), change('create', 'lifecycles', 'Standard'), change('create', 'projects', 'Web Shop'), change('create', 'deployment-processes', 'Web Shop'), change('create', 'project-variables', 'Web Shop')];
    const deps = changeDependencies(changes, [production, tier, lifecycle, project, process, variables], [], kinds);
    const needs = (c: PlannedChange) => shown(deps.needs(c)).sort();
    expect(needs(changes[2] as PlannedChange)).toEqual(['create environments Production']);
    expect(needs(changes[3] as PlannedChange)).toEqual(['create lifecycles Standard']);
    expect(needs(changes[4] as PlannedChange)).toEqual(['create projects Web Shop', 'create tag-sets Tier']);
    expect(needs(changes[5] as PlannedChange)).toEqual(['create deployment-processes Web Shop', 'create projects Web Shop']);
    expect(needs(changes[0] as PlannedChange)).toEqual([]);
  });

  it('a name the destination has already needs nothing for the first write, but its second pass still waits for that change', () => {
    const changes = [change('update', 'lifecycles', 'Standard'), change('update', 'projects', 'Web Shop')];
    const deps = changeDependencies(changes, [production, lifecycle, project], [production, lifecycle, project], kinds);
    expect(shown(deps.needs(changes[1] as PlannedChange))).toEqual([]);
    expect(shown(deps.finishNeeds(changes[1] as PlannedChange))).toEqual(['update lifecycles Standard']);
  });

  it('a delete waits for the documents that refer to what it deletes', () => {
    const changes = [change('update', 'projects', 'Web Shop'), change('delete', 'lifecycles', 'Standard')];
    const moved = doc('projects', 'Web Shop', { ...project.body, Lifecycle: 'Default Lifecycle' });
    const deps = changeDependencies(changes, [production, moved], [production, lifecycle, project], kinds);
    expect(shown(deps.needs(changes[1] as PlannedChange))).toEqual(['update projects Web Shop']);
  });
});
