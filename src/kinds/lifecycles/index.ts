import { compareNames } from '../../core/canonical.js';
import type { JsonObject } from '../../core/document.js';
import type { IdResolver } from '../../core/refs.js';
import { asArray, isObject, without } from '../fields.js';
import { simpleKind } from '../simple-kind.js';
import type { DocumentReference } from '../types.js';

/** Phase fields holding environment ids; in a document they hold environment names. */
const TARGETS = ['AutomaticDeploymentTargets', 'OptionalDeploymentTargets'] as const;

// Phases keep their order (it is the promotion order); within a phase the environments are a
// set, written by name and sorted. Phase Ids are server-generated GUIDs and dropped; an update
// sends back the destination's own phase Ids (matched by phase name) so the server sees the
// same phases edited rather than all phases replaced.
export const lifecycles = simpleKind({
  name: 'lifecycles',
  title: 'lifecycle',
  collection: 'lifecycles',
  dependsOn: ['environments'],
  extraReads: ['environments'],
  normalize: (body, resource, names, where) => {
    body.Phases = asArray(resource.Phases)
      .filter(isObject)
      .map((phase) => {
        const at = `${where} phase '${String(phase.Name)}'`;
        const phaseBody = without(phase, ['Id', ...TARGETS]);
        for (const field of TARGETS) phaseBody[field] = names.names('environments', phase[field], `${at} ${field}`).sort(compareNames);
        return phaseBody;
      });
  },
  denormalize: (payload, body, ids, where) => {
    const existing = destinationPhaseIds(ids, body.Name);
    payload.Phases = asArray(body.Phases)
      .filter(isObject)
      .map((phase) => {
        const at = `${where} phase '${String(phase.Name)}'`;
        const id = existing.get(String(phase.Name).toLowerCase());
        const phasePayload: JsonObject = id === undefined ? { ...phase } : { Id: id, ...phase };
        for (const field of TARGETS) phasePayload[field] = ids.ids('environments', phase[field], `${at} ${field}`);
        return phasePayload;
      });
  },
  nestedReferences: (body) =>
    asArray(body.Phases).flatMap((phase, index) =>
      isObject(phase)
        ? TARGETS.flatMap((field) =>
            asArray(phase[field]).map((name, at): DocumentReference => ({ pointer: `/Phases/${index}/${field}/${at}`, kind: 'environments', name: String(name) })),
          )
        : [],
    ),
});

/** Phase name (lower case) → Id of the destination's lifecycle of that name, if it exists. */
function destinationPhaseIds(ids: IdResolver, name: unknown): Map<string, string> {
  const id = typeof name === 'string' ? ids.table.idOf('lifecycles', name) : undefined;
  const live = id === undefined ? undefined : ids.table.resource('lifecycles', id);
  return new Map(
    asArray(live?.Phases)
      .filter(isObject)
      .filter((phase) => typeof phase.Id === 'string')
      .map((phase) => [String(phase.Name).toLowerCase(), String(phase.Id)]),
  );
}
