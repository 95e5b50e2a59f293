// Where the reference material about the real Octopus API lives: recorded responses, public
// payloads, the published Swagger documents and the 2026 API reference. None of it was written
// by this project and none of it is committed here (data fetched from public sources stays in
// the shared folder beside the repository); tests read it in place.
//
// One setting: the environment variable OCTOSYNC_REFERENCE_DATA (a path, absolute or relative to
// the repository root), by default `../shared/octopus-api`. A clone without it still passes its
// tests: those that need the data are skipped (the global setup prints one line saying so), except
// under CI=true, where a missing folder fails the run instead of silently testing less.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import type { JsonObject } from '../../src/core/document.js';

export const REFERENCE_DATA_VARIABLE = 'OCTOSYNC_REFERENCE_DATA';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The folder the setting names, resolved against the repository root. */
export const referenceDataDir = path.resolve(repoRoot, process.env[REFERENCE_DATA_VARIABLE] || path.join('..', 'shared', 'octopus-api'));

export const referenceDataPresent = existsSync(referenceDataDir);

/** CI runs must test everything: a missing reference folder is an error there, not a skip. */
export const referenceDataRequired = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/** The one line that says why reference-data tests did not run, or under CI why the run fails. */
export function referenceDataMissingMessage(): string {
  const consequence = referenceDataRequired ? 'CI=true requires it, so the run fails' : 'tests that need it are skipped';
  return `Octopus reference data not found at ${referenceDataDir}: ${consequence} (set ${REFERENCE_DATA_VARIABLE} to the folder holding reference-2026/, fixtures/ and the Swagger documents).`;
}

/**
 * A test that needs the reference data: run when the folder is there, skipped when it is not
 * (run anyway under CI, where the reads below fail it with the reason).
 */
export const itWithReferenceData = referenceDataPresent || referenceDataRequired ? it : it.skip;

/** The absolute path of a file or folder inside the reference data. */
export function referencePath(...relative: string[]): string {
  return path.join(referenceDataDir, ...relative);
}

/**
 * A JSON file of the reference data (a UTF-8 BOM tolerated), e.g.
 * `readReferenceJson('fixtures/octopus-2018.11.2/channel.json')`. When the folder is absent this
 * gives `undefined` (typed as T, so module-level reads stay simple): only `itWithReferenceData`
 * tests may use it, and they are skipped then. Under CI it throws the reason instead.
 */
export function readReferenceJson<T = JsonObject>(relative: string): T {
  if (!referenceDataPresent) {
    if (referenceDataRequired) throw new Error(referenceDataMissingMessage());
    return undefined as T;
  }
  return JSON.parse(readFileSync(referencePath(relative), 'utf8').replace(/^\uFEFF/, '')) as T;
}

/** A text file of the reference data (same absence rules as readReferenceJson; '' when absent). */
export function readReferenceText(relative: string): string {
  if (!referenceDataPresent) {
    if (referenceDataRequired) throw new Error(referenceDataMissingMessage());
    return '';
  }
  return readFileSync(referencePath(relative), 'utf8');
}

/** The file names of a folder of the reference data ([] when absent, same rules as above). */
export function listReferenceFiles(relative: string): string[] {
  if (!referenceDataPresent) {
    if (referenceDataRequired) throw new Error(referenceDataMissingMessage());
    return [];
  }
  return readdirSync(referencePath(relative)).sort();
}

/** A group of tests that all need the reference data (skipped, hooks included, when it is absent). */
export const describeWithReferenceData = referenceDataPresent || referenceDataRequired ? describe : describe.skip;

/** A recorded response of an Octopus 2018.11.2 server: `fixtures/octopus-2018.11.2/<name>.json` (see its ORIGINS.md). */
export function recorded2018<T = JsonObject>(name: string): T {
  return readReferenceJson<T>(`fixtures/octopus-2018.11.2/${name}.json`);
}

/** A real payload from a public source: `fixtures/real-world/<file>` (see its SOURCES.md). */
export function realWorld<T = JsonObject>(file: string): T {
  return readReferenceJson<T>(`fixtures/real-world/${file}`);
}

/**
 * `Projects-22` owns the recorded channel, deployment process and scoped variable set, and the
 * recorded tenant is connected to it, but the project itself is not among the recordings. Tests
 * use this stand-in, which holds only what those recordings say about it (its id, its owned
 * documents, that it takes tenants), named as the recorded export names it.
 */
export const recordedProjects22Owner: Record<string, string> = {
  Id: 'Projects-22',
  Name: 'TestProj2',
  DeploymentProcessId: 'deploymentprocess-Projects-22',
  VariableSetId: 'variableset-Projects-22',
  TenantedDeploymentMode: 'TenantedOrUntenanted',
};
