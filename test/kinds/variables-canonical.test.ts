import { describe, expect, it } from 'vitest';
import { canonicalize, isCanonical } from '../../src/core/canonical.js';
import type { JsonObject } from '../../src/core/document.js';
import { NameResolver, buildRefTable } from '../../src/core/refs.js';
import { normalizeVariable } from '../../src/kinds/shared/variables.js';

// A variable is built in canonical order rather than copied into it: its key order (which a
// snapshot writes and a plan's digest hashes) must be what canonicalize gives.
describe('a normalized variable', () => {
  const live = {
    environments: [{ Id: 'Environments-1', Name: 'Production' }, { Id: 'Environments-2', Name: 'Dev' }],
    projects: [{ Id: 'Projects-1', Name: 'Web' }],
    workerpools: [{ Id: 'WorkerPools-1', Name: 'Linux' }],
  };
  const normalized = (variable: JsonObject) => {
    const names = new NameResolver(buildRefTable(live));
    return { body: normalizeVariable(variable, names, { where: "library variable set 'Shared'" }), problems: names.problems };
  };
  const keysOf = (value: JsonObject) => JSON.stringify(value);

  it('is canonical as built, scope fields and values included', () => {
    const { body } = normalized({
      Id: 'd0c3f3c1-0000-4000-8000-000000000001',
      Value: 'WorkerPools-1',
      Type: 'WorkerPool',
      Scope: { Role: ['web', 'api'], Project: ['Projects-1'], Environment: ['environments-2', 'Environments-1'] },
      Prompt: { Required: true, Label: 'Pool', Description: null, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
      IsEditable: false,
      Description: 'The pool',
      Name: 'Deploy.Pool',
    });
    expect(isCanonical(body)).toBe(true);
    expect(keysOf(body)).toBe(keysOf(canonicalize(body)));
    expect(Object.keys(body)).toEqual(['Name', 'Description', 'IsEditable', 'Prompt', 'Scope', 'Type', 'Value']);
    expect(Object.keys(body.Scope as JsonObject)).toEqual(['Project', 'Environment', 'Role']);
    expect(body).toEqual({
      Name: 'Deploy.Pool',
      Description: 'The pool',
      IsEditable: false,
      Prompt: { Label: 'Pool', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' }, Required: true },
      Scope: { Project: ['Web'], Environment: ['Dev', 'Production'], Role: ['api', 'web'] },
      Type: 'WorkerPool',
      Value: 'Linux',
    });
  });

  it('keeps a field it does not know, in its canonical place, and a sensitive variable without a value', () => {
    const { body } = normalized({ Name: 'Api.Key', Type: 'Sensitive', IsSensitive: true, Value: null, Zeta: { b: 1, a: null }, Alpha: 'x', SpaceId: 'Spaces-1' });
    expect(keysOf(body)).toBe(keysOf(canonicalize(body)));
    expect(Object.keys(body)).toEqual(['Name', 'Alpha', 'IsSensitive', 'SpaceId', 'Type', 'Zeta']);
    expect(body.Zeta).toEqual({ b: 1 });
  });

  it('reports what it cannot name in the order the server lists it, value first', () => {
    const { problems } = normalized({ Name: 'A', Type: 'WorkerPool', Value: 'WorkerPools-9', Scope: { Tenant: ['Tenants-9'], Environment: ['Environments-9'] } });
    expect(problems.map((problem) => problem.where)).toEqual([
      "library variable set 'Shared' variable 'A' Value",
      "library variable set 'Shared' variable 'A' Tenant scope",
      "library variable set 'Shared' variable 'A' Environment scope",
    ]);
  });
});

describe('a reference table', () => {
  it('finds an id whatever its case, and of ids equal but for case the last listed', () => {
    const table = buildRefTable({ environments: [{ Id: 'Environments-1', Name: 'First' }, { Id: 'environments-1', Name: 'Second' }, { Id: 'Environments-2', Name: 'Dev' }] });
    expect(table.nameOf('environments', 'Environments-1')).toBe('Second');
    expect(table.nameOf('environments', 'ENVIRONMENTS-1')).toBe('Second');
    expect(table.nameOf('environments', 'environments-2')).toBe('Dev');
    expect(table.nameOf('environments', 'Environments-3')).toBeUndefined();
    expect(table.nameOf('projects', 'Environments-2')).toBeUndefined();
    expect(table.resource('environments', 'ENVIRONMENTS-2')).toEqual({ Id: 'Environments-2', Name: 'Dev' });
  });
});
