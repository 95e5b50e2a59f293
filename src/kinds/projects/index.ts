// Project settings: `projects/<slug>/project.yaml`. The project folder also holds what other
// kinds write about the project (channels, variables, deployment process, runbooks); they place
// their files with `projectFolders`.
import { canonicalize, compareNames, jsonEqual } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { spacePath } from '../../octopus/index.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import type { DocumentReference, Kind, KindWriter, WriteContext } from '../types.js';
import { WriteError, liveResource, resolved, withClearedFields } from '../writing.js';
import { unresolvedNow, withoutPointers } from '../shared/deferral.js';
import { STEP_REFERENCES, processHasPackage, processOfProject, sameStepReference, stepReferencePath, stepReferenceValue } from './step-references.js';
import { normalizeTemplates, templateReferences, templatesPayload } from './templates.js';
import { omitNewerDefaults } from '../newer-fields.js';
import { GIT_STORED_SETTINGS, isVersionControlled, persistenceDocument, persistencePayload, persistenceReferences } from './persistence.js';
import { migrateRunbooksToGit, runbooksAreInGit } from './runbooks-in-git.js';
import { jsonPointer } from '../../core/names.js';

/**
 * Owned documents (the project's variable set and deployment process, saved by their own
 * kinds), the clone source (history, not configuration), release-bound overrides, and
 * extension settings (issue-tracker integrations, which octosync never syncs; read-only in the
 * swagger).
 */
const DROPPED = ['VariableSetId', 'DeploymentProcessId', 'ClonedFromProjectId', 'AutoDeployReleaseOverrides', 'ExtensionSettings'];

/** Fields the document holds under another name or shape, rebuilt by the payload. */
const RENAMED = ['ProjectGroupId', 'LifecycleId', 'IncludedLibraryVariableSetIds', 'Templates', 'ReleaseCreationStrategy', 'VersioningStrategy'];

/**
 * References to the project's own channels and runbooks (2026 servers: the runbooks that
 * provision and deprovision ephemeral environments). Those are applied after the project, so
 * a payload can resolve them only once they exist in the destination.
 */
const OWN_REFERENCES = [
  { parent: 'ReleaseCreationStrategy', field: 'ChannelId', as: 'Channel', collection: 'channels' },
  { parent: null, field: 'ProvisioningRunbookId', as: 'ProvisioningRunbook', collection: 'runbooks' },
  { parent: null, field: 'DeprovisioningRunbookId', as: 'DeprovisioningRunbook', collection: 'runbooks' },
] as const;

/**
 * Resource fields a document never holds as they are: `IsVersionControlled` is computed from
 * `PersistenceSettings`, which the document holds in its own form (persistence.ts).
 */
const READ_ONLY = ['IsVersionControlled', 'PersistenceSettings'];

/**
 * Fields octosync does not manage but a PUT replaces: an update sends the destination's own
 * value back, so syncing a project never wipes its extension settings.
 */
const DESTINATION_OWNED = ['ExtensionSettings'];

/**
 * The folder (slug under `projects/`) of every project of a space, by project id. Slugs come
 * from the names of all the space's projects, so every kind that writes a file about a project
 * (channels.yaml, variables.yaml, deployment-process.yaml, runbooks/) places it in the same folder.
 */
export function projectFolders(live: LiveSpace): Map<string, string> {
  const projects = live.projects ?? [];
  const slugs = uniqueSlugs(projects.map((project) => String(project.Name)));
  return new Map(projects.map((project) => [String(project.Id), slugs.get(String(project.Name)) ?? '']));
}

/**
 * The projects kind's writer. A project names its own channel (`ReleaseCreationStrategy.Channel`)
 * and runbooks (provisioning), which later kinds create; create and update send null for those
 * that do not exist yet, and `finish`, called once every kind is written, PUTs the project again
 * only when one of those references is still not what the document says.
 */
export type ProjectWriter = Required<Pick<KindWriter, 'finish'>> & KindWriter;

export const projectWriter: ProjectWriter = {
  // A new project comes with its variable set, deployment process and Default channel; its
  // tenant variable templates shape every connected tenant's variables.
  writes: ['projects', 'channels', 'variables', 'deploymentprocesses', 'tenantvariables'],
  create: async (doc, ctx) => {
    // A project is created in the database and put under version control by converting it,
    // as Octopus's own clients do: its Git-held parts come from the repository's branch.
    const where = `project '${doc.name}'`;
    const payload = resolved(ctx.ids, where, () => projectPayload(doc, ctx.ids));
    const settings = isVersionControlled(doc.body) ? resolved(ctx.ids, where, () => persistencePayload(doc.body, ctx.ids, where)) : undefined;
    const created = await ctx.api.post<JsonObject>(spacePath(ctx.spaceId, 'projects'), payload);
    if (settings) await convertToGit(String(created.Id), settings, ctx);
    if (settings && runbooksAreInGit(doc.body)) await migrateRunbooksToGit(String(created.Id), String(settings.DefaultBranch), ctx);
  },
  update: async (doc, current, ctx) => {
    // PUT over the destination's own project: its ids (VariableSetId, DeploymentProcessId) and
    // ExtensionSettings stay as they are. A database project the document keeps in Git (the
    // plan allowed it) is converted after, once.
    const where = `project '${doc.name}'`;
    const existing = liveResource(ctx, 'projects', current.name);
    // What a version-controlled document leaves to Git is not cleared here: a database project
    // being converted takes its own settings into Git.
    const managed = isVersionControlled(doc.body) ? { ...current, body: without(current.body, GIT_STORED_SETTINGS) } : current;
    const payload = resolved(ctx.ids, where, () => projectPayload(withClearedFields(doc, managed), ctx.ids, existing));
    // Where the runbooks live is changed by their migration, not by a PUT: a project whose only
    // change is that move is not PUT.
    const moveRunbooks = runbooksAreInGit(doc.body) && !runbooksAreInGit(existing);
    const onlyRunbooksMove = moveRunbooks && String(existing.Name) === doc.name && jsonEqual(withoutRunbookState(doc.body), withoutRunbookState(current.body));
    if (!onlyRunbooksMove) await ctx.api.put(spacePath(ctx.spaceId, 'projects', String(existing.Id)), { ...existing, ...payload });
    const settings = isVersionControlled(doc.body) ? resolved(ctx.ids, where, () => persistencePayload(doc.body, ctx.ids, where)) : undefined;
    if (settings && !isVersionControlled(existing)) await convertToGit(String(existing.Id), settings, ctx);
    if (settings && moveRunbooks) await migrateRunbooksToGit(String(existing.Id), String(settings.DefaultBranch), ctx);
  },
  remove: async (current, ctx) => {
    const existing = liveResource(ctx, 'projects', current.name);
    await ctx.api.delete(spacePath(ctx.spaceId, 'projects', String(existing.Id)));
  },
  finish: writeOwnReferences,
  // A template default naming a certificate (certificates come after projects: they can be
  // tenanted) is set in the second pass.
  defer: (doc, ids) => withoutPointers(doc, unresolvedNow(templateReferences(doc.body.Templates), ids).map((ref) => ref.pointer)),
};

export const projects: Kind = {
  name: 'projects',
  title: 'project',
  // Script modules are library variable sets too: a project includes them by the same field.
  dependsOn: ['project-groups', 'lifecycles', 'library-variable-sets', 'script-modules', 'git-credentials'],
  reads: ['projects', 'projectgroups', 'lifecycles', 'libraryvariablesets', 'channels', 'runbooks', 'deploymentprocesses', 'gitcredentials'],
  toDocuments: projectDocuments,
  toPayload: (doc, ids) => projectPayload(doc, ids, existingProject(doc, ids)),
  references: projectReferences,
  writer: projectWriter,
};

export function projectDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const folders = projectFolders(live);
  return (live.projects ?? []).map((project) => {
    const name = String(project.Name);
    return { kind: 'projects', name, file: `projects/${folders.get(String(project.Id))}/project.yaml`, body: projectBody(project, live, names) };
  });
}

function projectBody(project: JsonObject, live: LiveSpace, names: NameResolver): JsonObject {
  const where = `project '${String(project.Name)}'`;
  const versionControlled = isVersionControlled(project);
  const body = without(project, [...SERVER_FIELDS, ...DROPPED, ...RENAMED, ...READ_ONLY]);
  for (const ref of OWN_REFERENCES) {
    if (ref.parent !== null || !(ref.field in project)) continue;
    delete body[ref.field];
    body[ref.as] = names.optional(ref.collection, project[ref.field], `${where} ${ref.field}`);
  }
  body.ProjectGroup = names.optional('projectgroups', project.ProjectGroupId, `${where} ProjectGroupId`);
  body.Lifecycle = names.optional('lifecycles', project.LifecycleId, `${where} LifecycleId`);
  // Order is precedence: a later set's variable wins over an earlier one's.
  body.IncludedLibraryVariableSets = names.names('libraryvariablesets', project.IncludedLibraryVariableSetIds, `${where} IncludedLibraryVariableSetIds`);
  body.Templates = normalizeTemplates(project.Templates, names, where);
  body.ReleaseCreationStrategy = nonEmpty(releaseCreationStrategy(project, live, names, where));
  if (isObject(project.ProjectConnectivityPolicy)) {
    const policy = project.ProjectConnectivityPolicy;
    body.ProjectConnectivityPolicy = { ...policy, TargetRoles: asArray(policy.TargetRoles).map(String).sort(compareNames) };
  }
  if (versionControlled) {
    // The Git connection, by names; the settings kept in Git are not the project resource's.
    body.PersistenceSettings = persistenceDocument(project.PersistenceSettings, names, where);
    for (const field of GIT_STORED_SETTINGS) delete body[field];
  } else {
    body.VersioningStrategy = nonEmpty(versioningStrategy(project, live, names, where));
  }
  if (Array.isArray(project.ProjectTags)) body.ProjectTags = project.ProjectTags.map(String).sort(compareNames);
  return canonicalize(omitNewerDefaults('projects', body));
}

function releaseCreationStrategy(project: JsonObject, live: LiveSpace, names: NameResolver, where: string): JsonObject {
  const strategy = isObject(project.ReleaseCreationStrategy) ? project.ReleaseCreationStrategy : {};
  const at = `${where} ReleaseCreationStrategy`;
  const body = without(strategy, ['ChannelId', 'ReleaseCreationPackageStepId']);
  body.Channel = names.optional('channels', strategy.ChannelId, `${at}.ChannelId`);
  body.ReleaseCreationPackage = packageReference(strategy.ReleaseCreationPackage, strategy.ReleaseCreationPackageStepId, project, live, names, `${at}.ReleaseCreationPackageStepId`);
  return body;
}

function versioningStrategy(project: JsonObject, live: LiveSpace, names: NameResolver, where: string): JsonObject {
  const strategy = isObject(project.VersioningStrategy) ? project.VersioningStrategy : {};
  const body = without(strategy, ['DonorPackageStepId']);
  body.DonorPackage = packageReference(strategy.DonorPackage, strategy.DonorPackageStepId, project, live, names, `${where} VersioningStrategy.DonorPackageStepId`);
  return body;
}

/**
 * A package of a step, as `{DeploymentAction: <action name>, PackageReference: <package name>}`.
 * Older servers referred to it with a step GUID (`DonorPackageStepId`,
 * `ReleaseCreationPackageStepId`, obsolete in OctopusClients); such an id is turned into the
 * name-based form through the project's deployment process, as newer servers do.
 */
function packageReference(byName: Json | undefined, stepId: Json | undefined, project: JsonObject, live: LiveSpace, names: NameResolver, where: string): Json {
  if (isObject(byName)) return byName;
  if (typeof stepId !== 'string' || stepId === '') return null;
  const action = actionNameOf(project, live, stepId);
  if (action !== undefined) return { DeploymentAction: action, PackageReference: '' };
  names.problems.push({ where, message: `refers to step '${stepId}', which is not in the project's deployment process; the reference is dropped` });
  return null;
}

function actionNameOf(project: JsonObject, live: LiveSpace, stepId: string): string | undefined {
  const process = (live.deploymentprocesses ?? []).find((candidate) => candidate.Id === project.DeploymentProcessId || candidate.ProjectId === project.Id);
  const wanted = stepId.toLowerCase();
  for (const step of asArray(process?.Steps).filter(isObject)) {
    const actions = asArray(step.Actions).filter(isObject);
    const action = actions.find((candidate) => String(candidate.Id).toLowerCase() === wanted);
    if (action) return String(action.Name);
    // A step id names the step's action when it has one (older servers' single-action steps).
    if (String(step.Id).toLowerCase() === wanted) return String(actions.length === 1 ? actions[0]?.Name : step.Name);
  }
  return undefined;
}

/**
 * The payload that creates or updates a project in a destination. `existing` is the
 * destination's current project (absent when creating): its template Ids are kept (tenant
 * variable values are keyed by them) and so are the fields octosync does not manage
 * (`PersistenceSettings`: the Git connection of a version-controlled project is the
 * destination's own; `ExtensionSettings`).
 *
 * `ReleaseCreationStrategy.Channel` and the provisioning runbooks name the project's own
 * channels and runbooks, which are applied after the project: while they do not exist in the
 * destination yet, their ids are left null and `deferredProjectReferences` names the fields,
 * so apply can PUT the project again once they exist.
 */
export function projectPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const body = doc.body;
  const where = `project '${doc.name}'`;
  const payload = without(body, [...RENAMED, 'ProjectGroup', 'Lifecycle', 'IncludedLibraryVariableSets', ...READ_ONLY, ...OWN_REFERENCES.map((ref) => ref.as)]);
  payload.ProjectGroupId = ids.id('projectgroups', body.ProjectGroup, `${where} ProjectGroup`);
  payload.LifecycleId = ids.optional('lifecycles', body.Lifecycle, `${where} Lifecycle`);
  payload.IncludedLibraryVariableSetIds = ids.ids('libraryvariablesets', body.IncludedLibraryVariableSets, `${where} IncludedLibraryVariableSets`);
  payload.Templates = templatesPayload(body.Templates, existing?.Templates, ids, where);
  const release = isObject(body.ReleaseCreationStrategy) ? body.ReleaseCreationStrategy : {};
  payload.ReleaseCreationStrategy = {
    ...without(release, ['Channel']),
    ChannelId: ownReferenceId(doc, ids, existing, OWN_REFERENCES[0]) ?? null,
    ReleaseCreationPackage: release.ReleaseCreationPackage ?? null,
  };
  if (isObject(body.VersioningStrategy)) {
    payload.VersioningStrategy = { Template: null, ...body.VersioningStrategy, DonorPackage: body.VersioningStrategy.DonorPackage ?? null };
  } else if (!isVersionControlled(body)) {
    payload.VersioningStrategy = { Template: null, DonorPackage: null };
  }
  for (const ref of OWN_REFERENCES) {
    if (ref.parent === null && ref.as in body) payload[ref.field] = ownReferenceId(doc, ids, existing, ref) ?? null;
  }
  for (const ref of unsatisfiedStepReferences(doc, ids, existing)) {
    payload[ref.parent] = { ...(isObject(payload[ref.parent]) ? (payload[ref.parent] as JsonObject) : {}), [ref.field]: null };
    if (ref.requiredBy) payload[ref.requiredBy] = false;
  }
  for (const field of DESTINATION_OWNED) if (existing && field in existing) payload[field] = existing[field] ?? null;
  // The Git connection is written to a project that is version-controlled already; a new or
  // database project keeps the database until it is converted (see the writer).
  if (existing && isVersionControlled(existing) && isVersionControlled(body)) payload.PersistenceSettings = persistencePayload(body, ids, where);
  else if (existing && 'PersistenceSettings' in existing) payload.PersistenceSettings = existing.PersistenceSettings ?? null;
  return payload;
}

/**
 * Step references of the document (see step-references.ts) the destination's deployment
 * process of the project cannot satisfy now: a new project's (its process is empty), or a
 * step the process does not have yet. They are saved empty and set by the second pass.
 */
function unsatisfiedStepReferences(doc: KindDocument, ids: IdResolver, existing: JsonObject | undefined) {
  if (isVersionControlled(doc.body)) return [];
  const process = processOfProject(ids, existing ?? existingProject(doc, ids));
  return STEP_REFERENCES.filter((ref) => {
    const wanted = stepReferenceValue(doc.body, ref);
    return wanted !== undefined && !processHasPackage(process, wanted);
  });
}

/**
 * Fields of a project payload left empty because what they name (a channel or runbook of the
 * project) does not exist in the destination yet: apply PUTs the project again once it does.
 */
export function deferredProjectReferences(doc: KindDocument, ids: IdResolver, existing?: JsonObject): string[] {
  return [
    ...OWN_REFERENCES.filter((ref) => typeof ownReferenceName(doc, ref) === 'string' && ownReferenceId(doc, ids, existing, ref) === undefined).map((ref) =>
      ref.parent === null ? ref.as : `${ref.parent}.${ref.as}`,
    ),
    ...unsatisfiedStepReferences(doc, ids, existing).map(stepReferencePath),
  ];
}

type OwnReference = (typeof OWN_REFERENCES)[number];

function ownReferenceName(doc: KindDocument, ref: OwnReference): Json | undefined {
  const holder = ref.parent === null ? doc.body : doc.body[ref.parent];
  return isObject(holder) ? holder[ref.as] : undefined;
}

function ownReferenceId(doc: KindDocument, ids: IdResolver, existing: JsonObject | undefined, ref: OwnReference): string | undefined {
  const name = ownReferenceName(doc, ref);
  if (typeof name !== 'string') return undefined;
  const projectId = typeof existing?.Id === 'string' ? existing.Id : ids.table.idOf('projects', doc.name);
  return projectId === undefined ? undefined : ids.table.idOf(ref.collection, name, projectId);
}

/**
 * The second write of a project (`ProjectWriter.finish`): sets the project's references to its
 * own channel and runbooks and to packages of its process's steps (with `AutoCreateRelease`),
 * which must exist by now, and PUTs only when one differs from what the destination has (so it
 * writes nothing on a second apply).
 */
async function writeOwnReferences(doc: KindDocument, ctx: WriteContext): Promise<void> {
  const existing = liveResource(ctx, 'projects', doc.name);
  const projectId = String(existing.Id);
  const where = `project '${doc.name}'`;
  const wanted = resolved(ctx.ids, where, () =>
    OWN_REFERENCES.flatMap((ref) => {
      const name = ownReferenceName(doc, ref);
      const path = ref.parent === null ? ref.as : `${ref.parent}.${ref.as}`;
      return typeof name === 'string' ? [{ ref, id: ctx.ids.id(ref.collection, name, `${where} ${path}`, projectId) }] : [];
    }),
  );
  const stale = wanted.filter(({ ref, id }) => String(ownReferenceHolder(existing, ref)?.[ref.field] ?? '').toLowerCase() !== id.toLowerCase());
  const steps = staleStepReferences(doc, existing, ctx);
  if (stale.length === 0 && steps.length === 0) return;
  const payload: JsonObject = structuredClone(existing);
  for (const { ref, id } of stale) {
    if (ref.parent === null) payload[ref.field] = id;
    else payload[ref.parent] = { ...(ownReferenceHolder(payload, ref) ?? {}), [ref.field]: id };
  }
  for (const { ref, value } of steps) {
    payload[ref.parent] = { ...(isObject(payload[ref.parent]) ? (payload[ref.parent] as JsonObject) : {}), [ref.field]: value };
    if (ref.requiredBy && value !== null) payload[ref.requiredBy] = doc.body[ref.requiredBy] ?? false;
  }
  await ctx.api.put(spacePath(ctx.spaceId, 'projects', projectId), payload);
}

/**
 * The step references (and `AutoCreateRelease`) the destination's project does not hold as the
 * document says; one whose step its process still lacks fails, naming the field.
 */
function staleStepReferences(doc: KindDocument, existing: JsonObject, ctx: WriteContext) {
  if (isVersionControlled(doc.body)) return [];
  const process = processOfProject(ctx.ids, existing);
  return STEP_REFERENCES.flatMap((ref) => {
    const wanted = stepReferenceValue(doc.body, ref) ?? null;
    const current = isObject(existing[ref.parent]) ? (existing[ref.parent] as JsonObject)[ref.field] : null;
    const flagStale = ref.requiredBy !== undefined && wanted !== null && (existing[ref.requiredBy] ?? false) !== (doc.body[ref.requiredBy] ?? false);
    if (sameStepReference(wanted, current) && !flagStale) return [];
    if (wanted !== null && !processHasPackage(process, wanted)) {
      throw new WriteError(
        `cannot write project '${doc.name}': ${stepReferencePath(ref)} names the package '${String(wanted.PackageReference ?? '')}' of step '${String(wanted.DeploymentAction)}', which the destination's deployment process does not have`,
      );
    }
    return [{ ref, value: wanted }];
  });
}

/** The object of a project resource holding an own reference's id field. */
function ownReferenceHolder(project: JsonObject, ref: OwnReference): JsonObject | undefined {
  const holder = ref.parent === null ? project : project[ref.parent];
  return isObject(holder) ? holder : undefined;
}

/** The destination's current project of this document, when the resolver's table holds it. */
export function existingProject(doc: KindDocument, ids: IdResolver): JsonObject | undefined {
  const id = ids.table.idOf('projects', doc.name);
  return id === undefined ? undefined : ids.table.resource('projects', id);
}

/** The names a project document refers to (for the repository's reference checks). */
export function projectReferences(doc: KindDocument): DocumentReference[] {
  const body = doc.body;
  const refs: DocumentReference[] = [];
  if (typeof body.ProjectGroup === 'string') refs.push({ pointer: '/ProjectGroup', kind: 'project-groups', name: body.ProjectGroup });
  if (typeof body.Lifecycle === 'string') refs.push({ pointer: '/Lifecycle', kind: 'lifecycles', name: body.Lifecycle });
  asArray(body.IncludedLibraryVariableSets).forEach((name, index) => refs.push({ pointer: jsonPointer('IncludedLibraryVariableSets', index), kind: 'library-variable-sets', name: String(name) }));
  asArray(body.ProjectTags).forEach((tag, index) => refs.push({ pointer: jsonPointer('ProjectTags', index), kind: 'tag-sets', name: String(tag) }));
  for (const ref of OWN_REFERENCES) {
    const name = ownReferenceName(doc, ref);
    if (typeof name !== 'string') continue;
    const at = ref.parent === null ? jsonPointer(ref.as) : jsonPointer(ref.parent, ref.as);
    refs.push({ pointer: at, kind: ref.collection, name, project: doc.name });
  }
  refs.push(...templateReferences(body.Templates));
  refs.push(...persistenceReferences(body));
  return refs;
}

/**
 * Puts a database project under version control (`POST /projects/{id}/git/convert`): one-way. A
 * branch that holds the project already (the source's repository) is taken as it is.
 */
/** A project document without the state of its runbooks' migration. */
function withoutRunbookState(body: JsonObject): JsonObject {
  if (!isObject(body.PersistenceSettings)) return body;
  return { ...body, PersistenceSettings: without(body.PersistenceSettings, ['ConversionState']) };
}

async function convertToGit(projectId: string, settings: JsonObject, ctx: WriteContext): Promise<void> {
  await ctx.api.post(spacePath(ctx.spaceId, 'projects', projectId, 'git', 'convert'), {
    ChangeDescription: 'Version control as the octosync state repository says',
    VersionControlSettings: { ...settings, Type: 'VersionControlled' },
  });
}

function nonEmpty(value: JsonObject): JsonObject | null {
  const canonical = canonicalize(value);
  return Object.keys(canonical).length === 0 ? null : canonical;
}
