// What a destination server can take of the repository, decided before anything is written:
// - its version against the source's (recorded by the snapshot in source.yaml): a notice when the
//   destination is older, a problem naming the document and field for each newer field the
//   repository uses that the destination's version does not accept (kinds/newer-fields.ts);
// - tenant variable values only the scoped API can hold, when the destination lacks it: a problem
//   naming the tenant and the template;
// - Octopus Cloud ↔ self-hosted: what only one flavour can hold (dynamic worker pools on Cloud;
//   feeds on local or SMB paths on self-hosted servers) is left out, with a notice saying what and
//   why (documents that refer to it then fail the reference check, unless an overlay patch
//   points them elsewhere), which worker pool is the default is left to the destination, and a
//   pool whose type differs from the destination's pool of that name is a problem.
// - community step templates: one the destination lacks must be installable from its library (the
//   library switched on, an entry at the same Website); a template cannot turn into a community
//   one or back.
// Pure: it works on documents and the destination's live state (capabilities.ts).
import type { KindDocument, LiveSpace } from '../core/document.js';
import type { PlanProblem } from '../core/plan.js';
import { capabilitiesOf, isLocalPath } from '../kinds/capabilities.js';
import { newerFieldsUsed } from '../kinds/newer-fields.js';
import { communityReference, libraryEntry } from '../kinds/step-templates/index.js';
import type { CommunityReference } from '../kinds/step-templates/index.js';
import { valuesOnlyScopedApiHolds } from '../kinds/tenants/variables.js';
import type { Kind } from '../kinds/types.js';
import { compareVersions, parseVersion } from '../octopus/index.js';
import type { SourceRecord } from '../repo/source-record.js';
import { SOURCE_FILE } from '../repo/source-record.js';

/** A notice when the destination runs an older release than the source the repository was snapshotted from. */
export function versionNotice(source: SourceRecord | undefined, destination: string, destinationVersion: string): string | undefined {
  if (!source || parseVersion(source.version) === undefined || parseVersion(destinationVersion) === undefined) return undefined;
  if (compareVersions(destinationVersion, source.version) >= 0) return undefined;
  return (
    `destination '${destination}' runs Octopus Server ${destinationVersion}, older than the source's ${source.version} (${SOURCE_FILE}): ` +
    'what only the newer release has is checked below and fails the plan where the repository uses it'
  );
}

export interface CompatibilityInput {
  /** Destination space name. */
  space: string;
  desired: readonly KindDocument[];
  liveDocuments: readonly KindDocument[];
  /** The destination space's live state, capability collections included. */
  live: LiveSpace;
  kinds: readonly Kind[];
  destinationVersion: string;
  source?: SourceRecord;
}

export interface CompatibilityResult {
  desired: KindDocument[];
  liveDocuments: KindDocument[];
  problems: PlanProblem[];
  notices: string[];
}

export function adaptToDestination(input: CompatibilityInput): CompatibilityResult {
  const capabilities = capabilitiesOf(input.live);
  const problems: PlanProblem[] = [];
  const notices: string[] = [];
  const title = (doc: KindDocument) => input.kinds.find((kind) => kind.name === doc.kind)?.title ?? doc.kind;
  const where = (doc: KindDocument, at: string) => `${title(doc)} '${doc.name}' (${doc.file}) ${at}`;

  // Newer fields the destination's release does not accept.
  const destinationLine = releaseLine(input.destinationVersion);
  for (const doc of destinationLine === undefined ? [] : byFile([...input.desired])) {
    for (const use of newerFieldsUsed(doc.kind, doc.body)) {
      const since = use.field.since;
      if (since === undefined || destinationLine === undefined || compareVersions(destinationLine, since) >= 0) continue;
      problems.push({
        space: input.space,
        where: where(doc, use.pointer),
        message: `sets ${use.field.path}, which Octopus Server ${input.destinationVersion} does not accept (it arrived in ${since}: ${use.field.source ?? 'inferred'})`,
      });
    }
  }

  // Tenant variable values only the scoped API holds.
  if (!capabilities.tenantVariableScoping) {
    for (const doc of byFile(input.desired.filter((d) => d.kind === 'tenants'))) {
      for (const value of valuesOnlyScopedApiHolds(doc.body.Variables)) {
        problems.push({
          space: input.space,
          where: where(doc, value.where),
          message: `the value of template '${value.template}' ${value.reason}, which only servers with scoped tenant variables (2025.2+, CommonVariableScopingFeatureToggle) can hold; this destination has none`,
        });
      }
    }
  }

  // Community step templates.
  for (const doc of byFile(input.desired.filter((d) => d.kind === 'step-templates'))) {
    const reference = communityReference(doc);
    const live = input.liveDocuments.find((d) => d.kind === 'step-templates' && d.name.toLowerCase() === doc.name.toLowerCase());
    const liveReference = live && communityReference(live);
    const problem = (message: string) => problems.push({ space: input.space, where: where(doc, reference ? 'CommunityTemplate' : 'Name'), message });
    const site = (value: CommunityReference | undefined) => value?.Website.replace(/\/+$/, '').toLowerCase() ?? null;
    if (live && site(reference) !== site(liveReference)) {
      problem(
        `${reference ? `is the community template ${reference.Website}` : 'is a template of its own'}, but the destination's step template of that name ${liveReference ? `was installed from ${liveReference.Website}` : 'is its own, not installed from the library'}; a template cannot become another: remove or rename the destination's`,
      );
    } else if (reference && !live && !capabilities.communityTemplates) {
      problem(`is the community template '${reference.Name}' (${reference.Website}), which the destination cannot install: its community step template library is switched off (IsCommunityActionTemplatesEnabled); install it there by hand or switch the library on`);
    } else if (reference && !live && !libraryEntry(input.live, reference)) {
      problem(`is the community template '${reference.Name}' (${reference.Website}), which the destination's community library does not have`);
    }
  }

  // Octopus Cloud ↔ self-hosted.
  let desired = [...input.desired];
  const liveDocuments = [...input.liveDocuments];
  const leftOut = (doc: KindDocument, why: string) => {
    notices.push(`space '${input.space}': ${title(doc)} '${doc.name}' is left out: ${why}`);
    desired = desired.filter((d) => d !== doc);
  };
  if (capabilities.flavour === 'self-hosted') {
    for (const doc of byFile(desired.filter((d) => d.kind === 'worker-pools' && d.body.WorkerPoolType === 'DynamicWorkerPool'))) {
      leftOut(doc, 'dynamic worker pools exist only on Octopus Cloud and this destination is self-hosted (steps naming it need an overlay patch, or a pool of that name in the destination)');
    }
  }
  if (!capabilities.localFeedPaths) {
    for (const doc of byFile(desired.filter((d) => d.kind === 'feeds' && isLocalPath(d.body.FeedUri)))) {
      leftOut(doc, `its FeedUri '${String(doc.body.FeedUri)}' is a local or SMB path, which this destination (Octopus Cloud) cannot read`);
    }
  }
  // A pool's type is set when it is created: a repository pool of another type than the
  // destination's pool of that name cannot be written (a Cloud space's own `Hosted Ubuntu` is
  // dynamic, a self-hosted stand-in static).
  for (const doc of byFile(desired.filter((d) => d.kind === 'worker-pools'))) {
    const live = liveDocuments.find((d) => d.kind === 'worker-pools' && d.name.toLowerCase() === doc.name.toLowerCase());
    const [wanted, has] = [doc.body.WorkerPoolType ?? 'StaticWorkerPool', live?.body.WorkerPoolType ?? 'StaticWorkerPool'];
    if (live === undefined || wanted === has) continue;
    problems.push({
      space: input.space,
      where: where(doc, 'WorkerPoolType'),
      message: `is ${String(wanted)}, but the destination's pool of that name is a ${String(has)}, and a pool's type cannot change: patch the document in the destination's overlay (worker-pools/${doc.name}) or rename one of them`,
    });
  }
  if (input.source && input.source.flavour !== capabilities.flavour) {
    // The default pool of a Cloud space is one of its dynamic pools; of a self-hosted one, a static
    // pool: which is the default is the destination's own. Each pool says what the destination's
    // pool of that name says (a new pool: not the default), so nothing moves the flag.
    const destinationDefault = (doc: KindDocument): KindDocument => {
      if (doc.kind !== 'worker-pools') return doc;
      const live = liveDocuments.find((d) => d.kind === 'worker-pools' && d.name.toLowerCase() === doc.name.toLowerCase());
      return { ...doc, body: { ...doc.body, IsDefault: live?.body.IsDefault === true } };
    };
    desired = desired.map(destinationDefault);
    notices.push(`space '${input.space}': which worker pool is the default is left to the destination (the source is ${describe(input.source.flavour)}, the destination ${describe(capabilities.flavour)})`);
  }
  return { desired, liveDocuments, problems, notices };
}

/** In file order, so notices come in the same order on every run. */
function byFile(docs: KindDocument[]): KindDocument[] {
  return [...docs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** `2025.4` of `2025.4.3897`: newer fields arrive with a release line. */
function releaseLine(version: string): string | undefined {
  const parsed = parseVersion(version);
  return parsed ? parsed.numbers.slice(0, 2).join('.') : undefined;
}

function describe(flavour: string): string {
  return flavour === 'cloud' ? 'Octopus Cloud' : 'self-hosted';
}
