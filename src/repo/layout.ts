// Where things live in a state repository (DESIGN.md §3):
//
//   octosync.yaml                       repository config
//   schemas/<kind>.schema.json          written by snapshot, so editors validate documents offline
//   spaces/<space-slug>/<kind>/<slug>.yaml
//   spaces/<space-slug>/projects/<slug>/{project,channels,variables,deployment-process}.yaml
//   spaces/<space-slug>/projects/<slug>/runbooks/<slug>.yaml
//   spaces/<space-slug>/projects/<slug>/git/*.yaml   what a version-controlled project keeps in Git (review only;
//                                                    its runbooks under git/runbooks/)
//   destinations/<name>.yaml
import type { Json, KindName } from '../core/document.js';
import { ownedName } from '../core/names.js';

export const CONFIG_FILE = 'octosync.yaml';
export const SPACES_DIR = 'spaces';
export const SCHEMAS_DIR = 'schemas';
export const DESTINATIONS_DIR = 'destinations';

/** Files inside a project's folder and the kinds they hold. */
const PROJECT_FILES: Record<string, KindName> = {
  'project.yaml': 'projects',
  'channels.yaml': 'channels',
  'variables.yaml': 'project-variables',
  'deployment-process.yaml': 'deployment-processes',
};

export interface LocatedFile {
  space: string;
  kind: KindName;
}

/** Path of a document's file in the repository. */
export function documentPath(spaceSlug: string, file: string): string {
  return `${SPACES_DIR}/${spaceSlug}/${file}`;
}

/** The space and kind a repository path holds, or undefined for files that are not documents. */
export function locateDocument(path: string, kinds: readonly KindName[]): LocatedFile | undefined {
  const parts = path.split('/');
  if (parts[0] !== SPACES_DIR || parts.length < 4 || !path.endsWith('.yaml')) return undefined;
  const space = parts[1] as string;
  const rest = parts.slice(2);
  if (rest[0] === 'projects') {
    if (rest.length === 3) {
      const kind = PROJECT_FILES[rest[2] as string];
      return kind ? { space, kind } : undefined;
    }
    if (rest.length === 4 && rest[2] === 'runbooks') return { space, kind: 'runbooks' };
    return undefined;
  }
  const kind = rest[0] as KindName;
  return rest.length === 2 && kinds.includes(kind) ? { space, kind } : undefined;
}

/**
 * Whether a path is a file of what a version-controlled project keeps in its own Git repository,
 * written for review under `projects/<slug>/git/` (kinds/projects/git-held.ts): not a document,
 * never validated as one nor applied.
 */
export function isGitHeldFile(path: string): boolean {
  const parts = path.split('/');
  return parts[0] === SPACES_DIR && parts.length >= 6 && parts[2] === 'projects' && parts[4] === 'git' && path.endsWith('.yaml');
}

/** The identity a document's body gives it (its name, or its project's for per-project files). */
export function documentName(kind: KindName, body: Json): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const field = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  if (kind === 'channels' || kind === 'project-variables' || kind === 'deployment-processes') return field('Project');
  if (kind === 'runbooks') {
    const project = field('Project');
    const name = field('Name');
    return project && name ? ownedName(project, name) : undefined;
  }
  return field('Name');
}

/** The `$schema` reference a document at `path` carries: relative, so it works offline. */
export function schemaReference(path: string, kind: KindName | 'octosync' | 'destination'): string {
  const depth = path.split('/').length - 1;
  return `${'../'.repeat(depth)}${SCHEMAS_DIR}/${kind}.schema.json`;
}
