import { compareNames } from '../../core/canonical.js';
import type { JsonObject } from '../../core/document.js';
import { asArray, isObject, without } from '../fields.js';
import { simpleKind } from '../simple-kind.js';

// Phases keep their order (it is the promotion order); within a phase the environments are a
// set, written by name and sorted. Phase Ids are server-generated GUIDs and dropped.
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
        return {
          ...without(phase, ['Id', 'AutomaticDeploymentTargets', 'OptionalDeploymentTargets']),
          AutomaticDeploymentTargets: names.names('environments', phase.AutomaticDeploymentTargets, at).sort(compareNames),
          OptionalDeploymentTargets: names.names('environments', phase.OptionalDeploymentTargets, at).sort(compareNames),
        } satisfies JsonObject;
      });
  },
  denormalize: (payload, body, ids, where) => {
    payload.Phases = asArray(body.Phases)
      .filter(isObject)
      .map((phase) => {
        const at = `${where} phase '${String(phase.Name)}'`;
        return {
          ...phase,
          AutomaticDeploymentTargets: ids.ids('environments', phase.AutomaticDeploymentTargets, at),
          OptionalDeploymentTargets: ids.ids('environments', phase.OptionalDeploymentTargets, at),
        } satisfies JsonObject;
      });
  },
});
