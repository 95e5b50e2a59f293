// Library variable sets (ContentType `Variables`): the set itself, its tenant variable templates
// and the variables of the variable set it owns, in one document. Script modules live in the
// same API collection and are the script-modules kind.
import { canonicalize } from '../../core/canonical.js';
import type { JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { SERVER_FIELDS, without } from '../fields.js';
import { existingVariableSet, indexSpace, normalizeVariables, variableReferences, variableSetBody, variablesPayload } from '../shared/variables.js';
import type { VariableSetOwner } from '../shared/variables.js';
import { libraryOwnerWriter, sameVariables } from '../shared/variable-set-writer.js';
import { normalizeTemplates, templateReferences, templatesPayload } from '../projects/templates.js';
import { unresolvedNow, withoutPointers } from '../shared/deferral.js';

const TITLE = 'library variable set';

/** Fields of the API resource a document never holds: the owned set's id and the content type (implied by the kind). */
const DROP = [...SERVER_FIELDS, 'VariableSetId', 'ContentType'];

/** Older servers have no ContentType: everything was a variable set then (inferred). */
export function isVariablesSet(resource: JsonObject): boolean {
  return resource.ContentType === undefined || resource.ContentType === null || resource.ContentType === 'Variables';
}

export const libraryVariableSets: VariableSetOwner = {
  name: 'library-variable-sets',
  title: TITLE,
  // Not tenants, certificates or projects, though variables may name them: tenants and projects
  // come after library variable sets in Octopus's order (projects include sets, tenants connect
  // to projects, certificates may be tenanted), so depending on them would make a cycle. Such a
  // name that does not exist yet in a destination is a plan problem (see README).
  dependsOn: ['environments', 'tag-sets', 'worker-pools'],
  reads: ['libraryvariablesets', 'variables', 'environments', 'machines', 'tenants', 'tagsets', 'projects', 'certificates', 'accounts', 'workerpools'],
  toDocuments,
  toPayload,
  variableSetPayload,
  references: (doc) => [...variableReferences(doc.body.Variables, '/Variables'), ...templateReferences(doc.body.Templates)],
  writer: {
    ...libraryOwnerWriter({
      title: TITLE,
      toPayload,
      variableSetPayload,
      ownerPart: ({ Variables: _variables, ...owner }) => owner,
      sameSet: (a, b) => sameVariables(a.Variables, b.Variables),
    }),
    defer: deferUnresolved,
  },
};

/**
 * The set without what names a certificate or tenant the destination does not have yet (they
 * come later in Octopus's order): such a variable, or such a template default, is written in the
 * second pass, once they exist.
 */
function deferUnresolved(doc: KindDocument, ids: IdResolver): KindDocument {
  const missing = unresolvedNow([...variableReferences(doc.body.Variables, '/Variables'), ...templateReferences(doc.body.Templates)], ids);
  // A variable is left out whole: a scope or a value without what it names is not that variable.
  return withoutPointers(doc, missing.map((ref) => (ref.pointer.startsWith('/Variables/') ? ref.pointer.split('/').slice(0, 3).join('/') : ref.pointer)));
}

function toDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const sets = (live.libraryvariablesets ?? []).filter(isVariablesSet);
  const slugs = uniqueSlugs(sets.map((set) => String(set.Name)));
  const index = indexSpace(live);
  return sets.map((set) => {
    const name = String(set.Name);
    const where = `${TITLE} '${name}'`;
    const body = without(set, DROP);
    body.Templates = normalizeTemplates(set.Templates, names, where).map((template) => canonicalize(template));
    const variableSet = index.byId('variables', set.VariableSetId);
    if (!variableSet) names.problems.push({ where, message: `its variable set '${String(set.VariableSetId)}' was not read` });
    body.Variables = normalizeVariables(variableSet?.Variables, names, { where });
    return { kind: 'library-variable-sets', name, file: `library-variable-sets/${slugs.get(name)}.yaml`, body: canonicalize(body) };
  });
}

/**
 * The library variable set resource (POST to create, PUT to update); its variables are a second
 * write, `variableSetPayload`. Templates keep the destination's template `Id` by Name: tenants'
 * variable values are keyed by template id, so a new id would drop every tenant's value.
 */
function toPayload(doc: KindDocument, ids: IdResolver): JsonObject {
  const { Variables: _variables, Templates, ...rest } = doc.body;
  const existingId = ids.table.idOf('libraryvariablesets', doc.name);
  const existing = existingId === undefined ? undefined : ids.table.resource('libraryvariablesets', existingId);
  return {
    ...rest,
    Description: typeof rest.Description === 'string' ? rest.Description : null,
    ContentType: 'Variables',
    Templates: templatesPayload(Templates, existing?.Templates, ids, `${TITLE} '${doc.name}'`),
  };
}

function variableSetPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const ownerId = ids.table.idOf('libraryvariablesets', doc.name);
  const current = existing ?? existingVariableSet(ids.table, 'libraryvariablesets', ownerId);
  const variables = variablesPayload(doc.body.Variables, ids, { where: `${TITLE} '${doc.name}'` }, current);
  return variableSetBody(variables, current, ownerId);
}
