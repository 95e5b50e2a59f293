// Script modules: library variable sets with ContentType `ScriptModule`. The server keeps the
// script and its language as two variables of the owned variable set,
// `Octopus.Script.Module[<Name>]` and `Octopus.Script.Module.Language[<Name>]`; a document
// holds them as `ScriptBody` and `Syntax`.
import { canonicalize } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import { SCRIPT_MODULE_BODY, SCRIPT_MODULE_LANGUAGE, existingVariableSet, indexSpace, variableSetBody } from '../shared/variables.js';
import type { VariableSetOwner } from '../shared/variables.js';
import { libraryOwnerWriter } from '../shared/variable-set-writer.js';
import { templatesPayload } from '../projects/templates.js';

const TITLE = 'script module';

/**
 * A module without a language variable is PowerShell: that is how Calamari, which runs the
 * modules, reads it (`ScriptVariables.GetLibraryScriptModuleLanguage`); older servers had
 * PowerShell modules only.
 */
export const DEFAULT_SYNTAX = 'PowerShell';

export const scriptModules: VariableSetOwner = {
  name: 'script-modules',
  title: TITLE,
  dependsOn: [],
  reads: ['libraryvariablesets', 'variables'],
  toDocuments,
  toPayload,
  variableSetPayload,
  writer: libraryOwnerWriter({
    title: TITLE,
    toPayload,
    variableSetPayload,
    ownerPart: ({ ScriptBody: _body, Syntax: _syntax, ...owner }) => owner,
    // The set is exactly the two module variables; a default Syntax reads back as PowerShell.
    sameSet: (a, b) => textOf(a.ScriptBody) === textOf(b.ScriptBody) && syntaxOf(a) === syntaxOf(b),
  }),
};

function syntaxOf(body: JsonObject): string {
  return textOf(body.Syntax) || DEFAULT_SYNTAX;
}

function toDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const modules = (live.libraryvariablesets ?? []).filter((set) => set.ContentType === 'ScriptModule');
  const slugs = uniqueSlugs(modules.map((module) => String(module.Name)));
  const index = indexSpace(live);
  return modules.map((module) => {
    const name = String(module.Name);
    const body = without(module, [...SERVER_FIELDS, 'VariableSetId', 'ContentType']);
    // Script modules have no tenant variable templates; an empty list says nothing.
    if (asArray(module.Templates).length === 0) delete body.Templates;
    const variableSet = index.byId('variables', module.VariableSetId);
    if (!variableSet) names.problems.push({ where: `${TITLE} '${name}'`, message: `its variable set '${String(module.VariableSetId)}' was not read` });
    const variables = asArray(variableSet?.Variables).filter(isObject);
    body.ScriptBody = textOf(moduleVariable(variables, SCRIPT_MODULE_BODY, name)?.Value);
    body.Syntax = textOf(moduleVariable(variables, SCRIPT_MODULE_LANGUAGE, name)?.Value) || DEFAULT_SYNTAX;
    return { kind: 'script-modules', name, file: `script-modules/${slugs.get(name)}.yaml`, body: canonicalize(body) };
  });
}

/**
 * The variable `<prefix>[<module name>]`. The server renames these with the module; a set whose
 * variable still carries an old name is read through its prefix alone.
 */
function moduleVariable(variables: JsonObject[], prefix: string, name: string): JsonObject | undefined {
  const exact = `${prefix}[${name}]`.toLowerCase();
  return (
    variables.find((variable) => String(variable.Name).toLowerCase() === exact) ??
    variables.find((variable) => String(variable.Name).toLowerCase().startsWith(`${prefix.toLowerCase()}[`))
  );
}

function textOf(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The library variable set resource; the script itself is the second write, `variableSetPayload`.
 * Templates (none in practice) keep the destination's ids by Name, as library variable sets do.
 */
function toPayload(doc: KindDocument, ids: IdResolver): JsonObject {
  const { ScriptBody: _body, Syntax: _syntax, ...rest } = doc.body;
  const existingId = ids.table.idOf('libraryvariablesets', doc.name);
  const existing = existingId === undefined ? undefined : ids.table.resource('libraryvariablesets', existingId);
  return {
    ...rest,
    Description: typeof rest.Description === 'string' ? rest.Description : null,
    ContentType: 'ScriptModule',
    Templates: templatesPayload(rest.Templates, existing?.Templates, ids, `script module '${doc.name}'`),
  };
}

/**
 * Exactly the two module variables, reusing the destination's variable ids by name. Any other
 * variable in the set is removed: the portal has no way to add one.
 */
function variableSetPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const ownerId = ids.table.idOf('libraryvariablesets', doc.name);
  const current = existing ?? existingVariableSet(ids.table, 'libraryvariablesets', ownerId);
  const currentVariables = asArray(current?.Variables).filter(isObject);
  const variable = (prefix: string, value: Json | undefined): JsonObject => {
    const name = `${prefix}[${doc.name}]`;
    const id = currentVariables.find((v) => String(v.Name).toLowerCase() === name.toLowerCase())?.Id;
    return {
      ...(typeof id === 'string' ? { Id: id } : {}),
      Name: name,
      Value: textOf(value),
      Description: null,
      Scope: {},
      IsEditable: true,
      Prompt: null,
      Type: 'String',
      IsSensitive: false,
    };
  };
  const variables = [variable(SCRIPT_MODULE_BODY, doc.body.ScriptBody), variable(SCRIPT_MODULE_LANGUAGE, doc.body.Syntax ?? DEFAULT_SYNTAX)];
  return variableSetBody(variables, current, ownerId);
}
