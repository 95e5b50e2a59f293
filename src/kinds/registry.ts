// Every synced kind, one line each, in Octopus's published dependency order (DESIGN.md §2).
// registry.test.ts fails when a kind folder is missing here, or lacks a schema, fixtures, tests
// or a readme, or when a dependency is missing or cyclic.
import type { KindName } from '../core/document.js';
import { dependencyOrder } from '../core/order.js';
import { certificates } from './certificates/index.js';
import { channels } from './channels/index.js';
import { deploymentProcesses } from './deployment-processes/index.js';
import { environments } from './environments/index.js';
import { feeds } from './feeds/index.js';
import { gitCredentials } from './git-credentials/index.js';
import { libraryVariableSets } from './library-variable-sets/index.js';
import { lifecycles } from './lifecycles/index.js';
import { machinePolicies } from './machine-policies/index.js';
import { projectGroups } from './project-groups/index.js';
import { projectVariables } from './project-variables/index.js';
import { projects } from './projects/index.js';
import { runbooks } from './runbooks/index.js';
import { scriptModules } from './script-modules/index.js';
import { stepTemplates } from './step-templates/index.js';
import { tagSets } from './tag-sets/index.js';
import { teams } from './teams/index.js';
import { tenants } from './tenants/index.js';
import type { Kind } from './types.js';
import { workerPools } from './worker-pools/index.js';

export const KINDS: readonly Kind[] = [
  environments,
  workerPools,
  machinePolicies,
  tagSets,
  certificates,
  feeds,
  lifecycles,
  scriptModules,
  gitCredentials,
  stepTemplates,
  libraryVariableSets,
  projectGroups,
  teams,
  tenants,
  projects,
  channels,
  projectVariables,
  deploymentProcesses,
  runbooks,
];

/** Kinds in apply order: every kind after the kinds it depends on. */
export function kindsInOrder(): Kind[] {
  return dependencyOrder<KindName, Kind>(KINDS);
}

export function kindNamed(name: string): Kind | undefined {
  return KINDS.find((kind) => kind.name === name);
}
