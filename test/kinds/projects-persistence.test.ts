// Where a version-controlled project's variables live decides what its variables document may
// hold: the plan's persistence findings (pure), before anything is written.
import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument } from '../../src/core/document.js';
import { persistenceFindings } from '../../src/kinds/projects/persistence.js';

const GIT = { Type: 'VersionControlled', Url: 'https://git.example.com/clinic.git', DefaultBranch: 'main', BasePath: '.octopus', Credentials: { Type: 'Anonymous' } };
const project: KindDocument = { kind: 'projects', name: 'Pet Clinic', file: 'projects/pet-clinic/project.yaml', body: { Name: 'Pet Clinic', PersistenceSettings: GIT } };
const secret = { Name: 'Clinic.ApiKey', IsSensitive: true, Type: 'Sensitive' };
const plain = { Name: 'Clinic.Url', Type: 'String', Value: 'https://clinic.example.com' };

function variables(...list: JsonObject[]): KindDocument {
  return { kind: 'project-variables', name: 'Pet Clinic', file: 'projects/pet-clinic/variables.yaml', body: { Project: 'Pet Clinic', Variables: list } };
}

function liveProject(variablesAreInGit: boolean): JsonObject {
  return { Name: 'Pet Clinic', IsVersionControlled: true, PersistenceSettings: { ...GIT, ConversionState: { VariablesAreInGit: variablesAreInGit } } };
}

function problems(desired: KindDocument[], live: KindDocument[], liveProjects: JsonObject[]) {
  return persistenceFindings({ space: 'Default', desired, live, convertible: new Set(), liveProjects }).problems;
}

describe('variables of version-controlled projects in the plan', () => {
  it('a non-sensitive variable in the file of a project whose variables are in Git is a problem naming it', () => {
    expect(problems([project, variables(secret, plain)], [project], [liveProject(true)])).toEqual([
      expect.objectContaining({ where: "project variables 'Pet Clinic' (projects/pet-clinic/variables.yaml) variable 'Clinic.Url'", message: expect.stringContaining('only sensitive variables belong in this file') }),
    ]);
    // A project to be created is converted with its variables in Git.
    expect(problems([project, variables(plain)], [], [])).toHaveLength(1);
    expect(problems([project, variables(secret)], [project], [liveProject(true)])).toEqual([]);
  });

  it("a destination project whose variables are still in its database: the repository's sensitive-only file would delete them, a problem", () => {
    const live = [project, variables(secret, plain)];
    expect(problems([project, variables(secret)], live, [liveProject(false)])).toEqual([
      expect.objectContaining({ where: "project variables 'Pet Clinic' (projects/pet-clinic/variables.yaml)", message: expect.stringContaining('migrate-variables') }),
    ]);
    // The same project in the repository, its variables in the database too: synced as they are.
    expect(problems([project, variables(secret, plain)], live, [liveProject(false)])).toEqual([]);
  });
});
