// Collections read only when the data needs what they tell, so a space that does not pays no
// request for them (and a server is not asked what it cannot answer: a self-hosted one logs an
// error for the dynamic worker types). Each says when it is needed, judged on the space's other
// collections (read first) and on the documents to apply to it: a condition looks only at the
// data, so a daemon and a plan in a fresh clone read the same. Conditions may say "needed" where it
// is not (a string that only looks like an id); never the reverse, which would hide data. Pure.
import type { Json, KindDocument, LiveSpace } from '../core/document.js';
import { asArray, isObject } from '../core/document.js';
import { hasDynamicPool, isLocalPath } from './capabilities.js';

export interface OnDemandRead {
  collection: string;
  /** The kind whose documents the collection's resources are: with that kind, always read (its resources are data). */
  documentsOf?: string;
  needed(facts: Facts): boolean;
}

/** What the conditions look at, worked out in one pass over the space and one over the documents. */
interface Facts {
  live: LiveSpace;
  desired: readonly KindDocument[];
  /** A live process, step template or variable names a deployment target (an id in a string, a variable's scope). */
  liveMachine: boolean;
  /** A live process, step template or project names a Git credential. */
  liveGitCredential: boolean;
  /** A document names a deployment target (a variable's scope, a reference token). */
  desiredMachine: boolean;
  /** A document names a Git credential (`GitCredential`, a reference token). */
  desiredGitCredential: boolean;
}

const ofKind = (desired: readonly KindDocument[], kind: string) => desired.filter((doc) => doc.kind === kind);
const communityTemplateIn = (desired: readonly KindDocument[]) => ofKind(desired, 'step-templates').some((doc) => isObject(doc.body.CommunityTemplate));

export const ON_DEMAND_READS: readonly OnDemandRead[] = [
  {
    // Git credentials, by name, for version-controlled projects and steps with `GitDependencies`.
    collection: 'gitcredentials',
    documentsOf: 'git-credentials',
    needed: (facts) => facts.liveGitCredential || facts.desiredGitCredential,
  },
  {
    // The community step template library (server-wide, paged, hundreds of templates with their
    // scripts): tells an installed template's library entry, and what a destination can install.
    collection: 'communityactiontemplates',
    needed: ({ live, desired }) =>
      (live.actiontemplates ?? []).some((template) => typeof template.CommunityActionTemplateId === 'string' && template.CommunityActionTemplateId !== '') || communityTemplateIn(desired),
  },
  {
    // Whether a destination can install community templates and read feeds on local paths.
    collection: 'featuresconfiguration',
    needed: ({ desired }) => communityTemplateIn(desired) || ofKind(desired, 'feeds').some((doc) => isLocalPath(doc.body.FeedUri)),
  },
  {
    // Whether a destination with no dynamic pool of its own can hold the repository's (a space
    // with one is on Cloud: capabilities.ts).
    collection: 'dynamicworkertypes',
    needed: ({ live, desired }) => hasDynamicPool(ofKind(desired, 'worker-pools').map((doc) => doc.body)) && !hasDynamicPool(live.workerpools ?? []),
  },
  {
    // User roles, by name, for the roles teams are given in a space.
    collection: 'userroles',
    needed: ({ live, desired }) => (live.scopeduserroles ?? []).length > 0 || ofKind(desired, 'teams').some((doc) => asArray(doc.body.UserRoles).length > 0),
  },
  {
    // Deployment targets, by name, for variables scoped to one and step properties naming one.
    collection: 'machines',
    needed: (facts) => facts.liveMachine || facts.desiredMachine,
  },
];

/** Collections of processes and step templates, whose strings may hold ids (id-forms.ts). */
const STEP_HOLDERS = ['deploymentprocesses', 'runbookProcesses', 'actiontemplates'];
/** Document kinds whose strings may hold reference tokens (id-forms.ts: steps and templates). */
const STEP_KINDS = new Set(['deployment-processes', 'runbooks', 'step-templates']);
/** Document kinds whose variables may be scoped to a deployment target. */
const VARIABLE_KINDS = new Set(['project-variables', 'library-variable-sets']);

/** The facts; the looks at every step only when a collection they decide is still unread. */
function factsOf(live: LiveSpace, desired: readonly KindDocument[], unread: ReadonlySet<string>): Facts {
  const facts: Facts = { live, desired, liveMachine: false, liveGitCredential: false, desiredMachine: false, desiredGitCredential: false };
  const [machines, credentials] = [unread.has('machines'), unread.has('gitcredentials')];
  const steps = STEP_HOLDERS.flatMap((collection) => live[collection] ?? []);
  const docs = desired.filter((doc) => STEP_KINDS.has(doc.kind));
  if (machines) {
    // An id anywhere in a step's strings; a variable's scope (variable values are not ids, and a
    // set's `ScopeValues` list every target of its environments, whether a variable is scoped to
    // one or not).
    const scoped = (variables: Json | undefined) => asArray(variables).some((variable) => isObject(variable) && isObject(variable.Scope) && asArray(variable.Scope.Machine).length > 0);
    facts.liveMachine = steps.some((resource) => holdsText(resource, 'Machines-')) || (live.variables ?? []).some((set) => scoped(set.Variables));
    facts.desiredMachine = docs.some((doc) => holdsText(doc.body, '{{octosync:deployment-targets/')) || desired.some((doc) => VARIABLE_KINDS.has(doc.kind) && scoped(doc.body.Variables));
  }
  if (credentials) {
    facts.liveGitCredential =
      steps.some((resource) => holdsText(resource, 'GitCredentials-') || holdsKey(resource, 'GitCredentialId')) ||
      (live.projects ?? []).some((project) => project.IsVersionControlled === true || holdsKey(project.PersistenceSettings, 'Id'));
    facts.desiredGitCredential = [...docs, ...ofKind(desired, 'projects')].some((doc) => holdsText(doc.body, '{{octosync:git-credentials/') || holdsKey(doc.body, 'GitCredential'));
  }
  return facts;
}

/** Whether a string anywhere in a value (not a key) contains `text`. */
function holdsText(value: Json | undefined, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsText(item, text)) return true;
    return false;
  }
  for (const key in value) if (holdsText(value[key], text)) return true;
  return false;
}

/** Whether a non-empty string is held under `key` anywhere in a value. */
function holdsKey(value: Json | undefined, key: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsKey(item, key)) return true;
    return false;
  }
  for (const name in value) {
    const item = value[name];
    if ((name === key && typeof item === 'string' && item !== '') || holdsKey(item, key)) return true;
  }
  return false;
}

/** The on-demand collections that are read whatever the data: those holding the documents of a kind read. */
export function alwaysReadOnDemand(kinds: readonly { name: string }[]): Set<string> {
  return new Set(ON_DEMAND_READS.filter((read) => read.documentsOf !== undefined && kinds.some((kind) => kind.name === read.documentsOf)).map((read) => read.collection));
}

/** Every collection some on-demand read may add. */
export const ON_DEMAND_COLLECTIONS: ReadonlySet<string> = new Set(ON_DEMAND_READS.map((read) => read.collection));

/** The on-demand collections the data needs that are not read yet. */
export function onDemandNeeded(live: LiveSpace, desired: readonly KindDocument[]): string[] {
  const unread = ON_DEMAND_READS.filter((read) => live[read.collection] === undefined);
  if (unread.length === 0) return [];
  const facts = factsOf(live, desired, new Set(unread.map((read) => read.collection)));
  return unread.filter((read) => read.needed(facts)).map((read) => read.collection);
}
