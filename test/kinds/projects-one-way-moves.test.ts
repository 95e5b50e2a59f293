// The rule both of a project's one-way moves follow (its conversion to version control, its
// runbooks' move to Git): the same comparison, with each move's words as data.
import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument } from '../../src/core/document.js';
import { persistenceFindings } from '../../src/kinds/projects/persistence.js';
import { runbooksInGitFindings } from '../../src/kinds/projects/runbooks-in-git.js';

const GIT = { Type: 'VersionControlled', Url: 'https://git.example.com/clinic.git', DefaultBranch: 'main', BasePath: '.octopus', Credentials: { Type: 'Anonymous' } };
const RUNBOOKS_IN_GIT = { ...GIT, ConversionState: { RunbooksAreInGit: true } };

function project(name: string, settings?: JsonObject): KindDocument {
  return { kind: 'projects', name, file: `projects/${name.toLowerCase()}/project.yaml`, body: { Name: name, ...(settings ? { PersistenceSettings: settings } : {}) } };
}
const runbook: KindDocument = { kind: 'runbooks', name: 'Pet/Restart', file: 'projects/pet/runbooks/restart.yaml', body: { Name: 'Restart', Project: 'pet' } };

describe('a one-way move of a project', () => {
  it('the conversion: refused without the overlay, made with it, never undone; named case-insensitively', () => {
    const desired = [project('Pet', GIT), project('Ant', GIT), project('Bee'), project('Cat', GIT)];
    const live = [project('pet'), project('ANT'), project('Bee', GIT)];
    const found = persistenceFindings({ space: 'Default', desired, live, convertible: new Set(['ant']) });
    expect(found.problems).toEqual([
      { space: 'Default', where: "project 'Pet' (projects/pet/project.yaml) PersistenceSettings", message: expect.stringContaining('overlays.versionControl.Pet.convert: true') },
      { space: 'Default', where: "project 'Bee' (projects/bee/project.yaml) PersistenceSettings", message: expect.stringContaining('cannot be converted back to the database') },
    ]);
    expect(found.notices).toEqual([
      expect.stringMatching(/^project 'Ant' is converted to version control in the destination \(one-way\)/),
      expect.stringMatching(/^version-controlled projects \(Ant, Cat, Pet\):/),
    ]);
  });

  it('the runbooks: moved without the overlay when the database has none, refused when it has some, never moved back', () => {
    const desired = [project('Pet', RUNBOOKS_IN_GIT), project('Ant', RUNBOOKS_IN_GIT), project('Bee', GIT)];
    const live = [project('Pet', GIT), project('Ant', GIT), project('Bee', RUNBOOKS_IN_GIT), runbook];
    const found = runbooksInGitFindings({ space: 'Default', desired, live, migratable: new Set() });
    expect(found.problems).toEqual([
      { space: 'Default', where: "project 'Pet' (projects/pet/project.yaml) PersistenceSettings.ConversionState.RunbooksAreInGit", message: expect.stringContaining('overlays.versionControl.Pet.runbooksInGit: true') },
      { space: 'Default', where: "project 'Bee' (projects/bee/project.yaml) PersistenceSettings.ConversionState.RunbooksAreInGit", message: expect.stringContaining('runbooks cannot move back to the database') },
    ]);
    expect(found.notices).toEqual([expect.stringContaining("project 'Ant' are moved to its Git repository in the destination (one-way): it has none in its database"), 'projects with runbooks in Git (Ant, Pet): their runbooks live in their Git repositories and are not managed by octosync']);
    // The destination's database runbooks of a project the repository keeps in Git are the migration's, not compared.
    expect(found.live).not.toContain(runbook);
    expect(runbooksInGitFindings({ space: 'Default', desired, live, migratable: new Set(['pet']) }).problems).toHaveLength(1);
  });
});
