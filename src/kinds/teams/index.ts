// Teams of a space: `teams/<slug>.yaml`, with the user roles they hold (scoped user roles, by
// role name) and never their members. On the wire a team and each of its scoped user roles are
// separate resources (`/teams/{id}`, `/scopeduserroles/{id}`).
import { canonicalize, compareNames, jsonEqual } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { spacePath } from '../../octopus/index.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import type { DocumentReference, Kind, WriteContext } from '../types.js';
import { WriteError, resolved, withClearedFields } from '../writing.js';
import { jsonPointer } from '../../core/names.js';

/**
 * Who is in a team is never synced: members are users (never synced), and external security
 * groups are directory identities of an instance's authentication providers (never synced).
 * The `Can*` flags are computed by the server.
 */
const NOT_SYNCED = ['MemberUserIds', 'ExternalSecurityGroups', 'CanBeDeleted', 'CanBeRenamed', 'CanChangeMembers', 'CanChangeRoles'];

/** Scope fields of a scoped user role: API field (ids) → document field (names). */
const SCOPES = [
  { field: 'EnvironmentIds', as: 'Environments', collection: 'environments', kind: 'environments' },
  { field: 'ProjectIds', as: 'Projects', collection: 'projects', kind: 'projects' },
  { field: 'ProjectGroupIds', as: 'ProjectGroups', collection: 'projectgroups', kind: 'project-groups' },
  { field: 'TenantIds', as: 'Tenants', collection: 'tenants', kind: 'tenants' },
] as const;

export const teams: Kind = {
  name: 'teams',
  title: 'team',
  dependsOn: ['environments', 'projects', 'project-groups', 'tenants'],
  reads: ['teams', 'scopeduserroles', 'userroles', 'environments', 'projects', 'projectgroups', 'tenants'],
  toDocuments: teamDocuments,
  toPayload: (doc, ids) => teamPayload(doc, existingTeam(doc, ids)),
  references: teamReferences,
  writer: {
    writes: ['teams', 'scopeduserroles'],
    create: createTeam,
    update: updateTeam,
    // Deleting a team deletes its scoped user roles with it.
    remove: async (current, ctx) => {
      const existing = liveTeam(ctx, current.name);
      await ctx.api.delete(spacePath(ctx.spaceId, 'teams', String(existing.Id)));
    },
  },
};

/** Whether a team belongs to a space; system teams (`SpaceId: null`) are server-wide and not synced. */
export function isSpaceTeam(team: JsonObject): boolean {
  return typeof team.SpaceId === 'string' && team.SpaceId !== '';
}

export function teamDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const resources = (live.teams ?? []).filter(isSpaceTeam);
  const slugs = uniqueSlugs(resources.map((team) => String(team.Name)));
  return resources.map((team) => {
    const name = String(team.Name);
    const where = `team '${name}'`;
    const body = without(team, [...SERVER_FIELDS, ...NOT_SYNCED]);
    body.UserRoles = (live.scopeduserroles ?? [])
      .filter((role) => role.TeamId === team.Id)
      .map((role) => userRoleEntry(role, names, where))
      .sort(compareUserRoles);
    return { kind: 'teams', name, file: `teams/${slugs.get(name)}.yaml`, body: canonicalize(body) };
  });
}

function userRoleEntry(role: JsonObject, names: NameResolver, where: string): JsonObject {
  const userRole = names.name('userroles', role.UserRoleId, `${where} UserRoleId`);
  const at = `${where} user role '${userRole}'`;
  const entry = without(role, [...SERVER_FIELDS, 'TeamId', 'UserRoleId', ...SCOPES.map((scope) => scope.field)]);
  entry.UserRole = userRole;
  // An empty scope means "everywhere in the space"; only scopes that narrow are written.
  for (const scope of SCOPES) {
    const scoped = names.names(scope.collection, role[scope.field], `${at} ${scope.field}`).sort(compareNames);
    if (scoped.length > 0) entry[scope.as] = scoped;
  }
  return canonicalize(entry);
}

function compareUserRoles(a: JsonObject, b: JsonObject): number {
  const byRole = compareNames(String(a.UserRole), String(b.UserRole));
  if (byRole !== 0) return byRole;
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/**
 * The TeamResource payload (PUT `/teams/{id}` or POST `/teams`). Membership is the
 * destination's own: an update keeps `existing`'s MemberUserIds and ExternalSecurityGroups, a
 * new team starts empty. Scoped user roles go through `scopedUserRolePayloads`.
 */
export function teamPayload(doc: KindDocument, existing?: JsonObject): JsonObject {
  return {
    ...without(doc.body, ['UserRoles']),
    MemberUserIds: existing?.MemberUserIds ?? [],
    ExternalSecurityGroups: existing?.ExternalSecurityGroups ?? [],
  };
}

/**
 * The ScopedUserRoleResource payloads of a team document (POST `/{spaceId}/scopeduserroles`),
 * for the destination team `teamId`. User roles are never synced: each is resolved by name
 * and must exist in the destination (built-in roles do), else it is a problem.
 */
export function scopedUserRolePayloads(doc: KindDocument, ids: IdResolver, teamId: string, spaceId?: string): JsonObject[] {
  const where = `team '${doc.name}'`;
  return asArray(doc.body.UserRoles)
    .filter(isObject)
    .map((entry) => {
      const at = `${where} user role '${String(entry.UserRole)}'`;
      const payload = without(entry, ['UserRole', ...SCOPES.map((scope) => scope.as)]);
      payload.UserRoleId = ids.id('userroles', entry.UserRole, `${where} UserRoles.UserRole`);
      payload.TeamId = teamId;
      for (const scope of SCOPES) payload[scope.field] = ids.ids(scope.collection, entry[scope.as], `${at} ${scope.as}`);
      if (spaceId !== undefined) payload.SpaceId = spaceId;
      return payload;
    });
}

/**
 * What to change so a team's existing scoped user roles match the desired payloads: roles that
 * already exist with the same role and scopes are left alone (so a second apply writes nothing),
 * the rest are created, and existing ones nothing matched are removed (their ids).
 */
export function scopedUserRoleChanges(desired: readonly JsonObject[], existing: readonly JsonObject[]): { create: JsonObject[]; remove: string[] } {
  const unmatched = [...existing];
  const create: JsonObject[] = [];
  for (const payload of desired) {
    const index = unmatched.findIndex((role) => roleKey(role) === roleKey(payload));
    if (index === -1) create.push(payload);
    else unmatched.splice(index, 1);
  }
  return { create, remove: unmatched.map((role) => String(role.Id)) };
}

function roleKey(role: JsonObject): string {
  const ids = (value: Json | undefined) => asArray(value).map((id) => String(id).toLowerCase()).sort();
  return JSON.stringify([String(role.UserRoleId).toLowerCase(), String(role.TeamId).toLowerCase(), ...SCOPES.map((scope) => ids(role[scope.field]))]);
}

/**
 * The names a team document refers to (for the repository's reference checks). User roles are
 * never synced: they are reported as names each destination must have.
 */
export function teamReferences(doc: KindDocument): DocumentReference[] {
  const refs: DocumentReference[] = [];
  asArray(doc.body.UserRoles)
    .filter(isObject)
    .forEach((entry, index) => {
      if (typeof entry.UserRole === 'string') refs.push({ pointer: jsonPointer('UserRoles', index, 'UserRole'), kind: 'user-roles', name: entry.UserRole });
      for (const scope of SCOPES) {
        asArray(entry[scope.as]).forEach((name, at) => refs.push({ pointer: jsonPointer('UserRoles', index, scope.as, at), kind: scope.kind, name: String(name) }));
      }
    });
  return refs;
}

/** The destination's current team of this document, when the resolver's table holds it (space teams only). */
export function existingTeam(doc: KindDocument, ids: IdResolver): JsonObject | undefined {
  const id = ids.table.idOf('teams', doc.name);
  const team = id === undefined ? undefined : ids.table.resource('teams', id);
  return team && isSpaceTeam(team) ? team : undefined;
}

/** POST the team (without members: they are never synced), then each of its scoped user roles. */
async function createTeam(doc: KindDocument, ctx: WriteContext): Promise<void> {
  const { team, roles } = resolved(ctx.ids, `team '${doc.name}'`, () => ({
    team: teamPayload(doc),
    // The team id is not known yet: resolve the roles' names first, set it once the team exists.
    roles: scopedUserRolePayloads(doc, ctx.ids, '', ctx.spaceId),
  }));
  const created = await ctx.api.post<JsonObject>(spacePath(ctx.spaceId, 'teams'), team);
  for (const role of roles) await ctx.api.post(spacePath(ctx.spaceId, 'scopeduserroles'), { ...role, TeamId: String(created.Id) });
}

/**
 * PUT the team over the destination's own when its own fields changed (members stay the
 * destination's), then bring its scoped user roles to the document, writing only what differs:
 * a role whose scopes changed is updated in place, the rest created or deleted.
 */
async function updateTeam(doc: KindDocument, current: KindDocument, ctx: WriteContext): Promise<void> {
  const existing = liveTeam(ctx, current.name);
  const teamId = String(existing.Id);
  const desiredTeam = withClearedFields(teamPart(doc), teamPart(current));
  const { team, roles } = resolved(ctx.ids, `team '${doc.name}'`, () => ({
    team: teamPayload(desiredTeam, existing),
    roles: scopedUserRolePayloads(doc, ctx.ids, teamId, ctx.spaceId),
  }));
  if (!jsonEqual(canonicalize(teamPart(doc).body), canonicalize(teamPart(current).body))) {
    await ctx.api.put(spacePath(ctx.spaceId, 'teams', teamId), { ...existing, ...team });
  }
  const existingRoles = (ctx.live.scopeduserroles ?? []).filter((role) => sameId(role.TeamId, teamId));
  const { create, remove } = scopedUserRoleChanges(roles, existingRoles);
  const removed = remove.map((id) => existingRoles.find((role) => role.Id === id)).filter((role): role is JsonObject => role !== undefined);
  for (const payload of create) {
    // The same user role with other scopes: update that one rather than delete and recreate it.
    const index = removed.findIndex((role) => sameId(role.UserRoleId, payload.UserRoleId));
    const [replaced] = index === -1 ? [] : removed.splice(index, 1);
    if (replaced) await ctx.api.put(spacePath(ctx.spaceId, 'scopeduserroles', String(replaced.Id)), { ...replaced, ...payload });
    else await ctx.api.post(spacePath(ctx.spaceId, 'scopeduserroles'), payload);
  }
  for (const role of removed) await ctx.api.delete(spacePath(ctx.spaceId, 'scopeduserroles', String(role.Id)));
}

/** The destination's space team of this name (system teams are never written). */
function liveTeam(ctx: WriteContext, name: string): JsonObject {
  const found = (ctx.live.teams ?? []).find((team) => isSpaceTeam(team) && String(team.Name).toLowerCase() === name.toLowerCase());
  if (!found) throw new WriteError(`the destination has no team named '${name}' in this space`);
  return found;
}

/** The team resource's part of a document: everything but its user roles. */
function teamPart(doc: KindDocument): KindDocument {
  return { ...doc, body: without(doc.body, ['UserRoles']) };
}

function sameId(a: Json | undefined, b: Json | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
