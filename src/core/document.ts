// The units octosync works with. Pure data: no classes, no functions, so plans and states can be
// saved, diffed and compared with toEqual.

/** A JSON value as the Octopus API and our YAML documents hold them. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Registry names of the synced kinds, in Octopus's own dependency order. */
export type KindName =
  | 'environments'
  | 'worker-pools'
  | 'machine-policies'
  | 'tag-sets'
  | 'certificates'
  | 'feeds'
  | 'lifecycles'
  | 'script-modules'
  | 'git-credentials'
  | 'step-templates'
  | 'library-variable-sets'
  | 'project-groups'
  | 'teams'
  | 'tenants'
  | 'projects'
  | 'channels'
  | 'project-variables'
  | 'deployment-processes'
  | 'runbooks';

/** One normalized resource as it is written to (and read from) the state repository. */
export interface KindDocument {
  kind: KindName;
  /** Identity within kind and space, as people read it: `Web Shop`, `Web Shop/Hotfix`. */
  name: string;
  /** Path of its file relative to the space folder, e.g. `environments/production.yaml`. */
  file: string;
  /** The normalized content: API field names, ids replaced by names, no server-managed fields. */
  body: JsonObject;
}

/** Raw API resources of one space, by API collection (`environments`, `variables`, ...). */
export type LiveSpace = Readonly<Record<string, readonly JsonObject[]>>;

export function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

export function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** The objects among a list's items (nothing for what is not a list). */
export function objectsOf(value: Json | undefined): JsonObject[] {
  return asArray(value).filter(isObject);
}
