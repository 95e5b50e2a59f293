import { describe, expect, it } from 'vitest';
import { diffDocuments } from '../../src/core/diff.js';
import type { JsonObject, KindDocument, KindName } from '../../src/core/document.js';
import { applyOverlay, mergePatch } from '../../src/core/overlay.js';
import type { PlanInput } from '../../src/core/plan.js';
import { computePlan, documentKey } from '../../src/core/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../../src/core/render-plan.js';
import { secretSlots } from '../../src/core/secrets.js';

function doc(kind: KindName, name: string, body: JsonObject = {}): KindDocument {
  return { kind, name, file: `${kind}/${name.toLowerCase()}.yaml`, body: { Name: name, ...body } };
}

const KINDS = [
  { name: 'environments', title: 'environment' },
  { name: 'feeds', title: 'feed' },
  { name: 'lifecycles', title: 'lifecycle' },
  { name: 'project-variables', title: 'project variables' },
] as const;

function input(desired: KindDocument[], live: KindDocument[], extra: Partial<PlanInput> = {}): PlanInput {
  return {
    destination: 'production',
    commit: 'a'.repeat(40),
    overlayDigest: 'o',
    kinds: KINDS,
    spaces: [{ space: 'Default', desired, live }],
    secretSources: new Map(),
    lastApplied: { documents: new Set(), secretSources: new Map() },
    prune: false,
    missingSecrets: 'error',
    problems: [],
    ...extra,
  };
}

describe('diffDocuments', () => {
  it.each([
    ['equal documents', { Name: 'a', X: [1] }, { Name: 'a', X: [1] }, []],
    ['a changed field', { Name: 'a', X: 1 }, { Name: 'a', X: 2 }, [{ path: 'X', before: 1, after: 2 }]],
    ['an added and a removed field', { Name: 'a', Old: 1 }, { Name: 'a', New: 2 }, [{ path: 'Old', before: 1 }, { path: 'New', after: 2 }]],
    [
      'a field inside a named list item',
      { Steps: [{ Name: 'Deploy', Script: 'a' }, { Name: 'Test', Script: 'b' }] },
      { Steps: [{ Name: 'Deploy', Script: 'a' }, { Name: 'Test', Script: 'c' }] },
      [{ path: 'Steps[Test].Script', before: 'b', after: 'c' }],
    ],
    ['a reordered list', { Envs: ['a', 'b'] }, { Envs: ['b', 'a'] }, [{ path: 'Envs', before: ['a', 'b'], after: ['b', 'a'] }]],
    [
      'variables keyed by name and scope, one added',
      { Variables: [{ Name: 'Db', Scope: { Environment: ['Dev'] }, Value: 'a' }, { Name: 'Db', Scope: { Environment: ['Prod'] }, Value: 'b' }] },
      { Variables: [{ Name: 'Db', Scope: { Environment: ['Dev'] }, Value: 'a' }, { Name: 'Db', Scope: { Environment: ['Prod'] }, Value: 'c' }, { Name: 'New', Value: 'n' }] },
      [
        { path: 'Variables[Db{Environment=Prod}].Value', before: 'b', after: 'c' },
        { path: 'Variables[New]', after: { Name: 'New', Value: 'n' } },
      ],
    ],
    [
      'a removed step',
      { Steps: [{ Name: 'A' }, { Name: 'B' }] },
      { Steps: [{ Name: 'B' }] },
      [{ path: 'Steps[A]', before: { Name: 'A' } }],
    ],
    [
      'reordered steps, as a whole',
      { Steps: [{ Name: 'A' }, { Name: 'B' }] },
      { Steps: [{ Name: 'B' }, { Name: 'A' }] },
      [{ path: 'Steps', before: [{ Name: 'A' }, { Name: 'B' }], after: [{ Name: 'B' }, { Name: 'A' }] }],
    ],
  ])('%s', (_name, before, after, expected) => {
    expect(diffDocuments(before as JsonObject, after as JsonObject)).toEqual(expected);
  });
});

describe('computePlan', () => {
  it('creates what is missing, updates what differs, leaves equal documents alone, in kind order', () => {
    const plan = computePlan(
      input(
        [doc('lifecycles', 'Default'), doc('environments', 'Prod', { SortOrder: 2 }), doc('environments', 'Dev', { SortOrder: 0 })],
        [doc('environments', 'Dev', { SortOrder: 0 }), doc('environments', 'PROD', { SortOrder: 1 })],
      ),
    );
    expect(plan.changes.map((c) => [c.action, c.kind, c.name])).toEqual([
      ['update', 'environments', 'Prod'],
      ['create', 'lifecycles', 'Default'],
    ]);
    // Names match ignoring case; the destination's spelling is corrected with the update.
    expect(plan.changes[0]?.fields).toEqual([
      { path: 'Name', before: 'PROD', after: 'Prod' },
      { path: 'SortOrder', before: 1, after: 2 },
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 0 });
  });

  it('deletes only with prune, only what it applied before, in reverse kind order, never for an empty desired space', () => {
    const live = [doc('environments', 'Old'), doc('lifecycles', 'Old cycle'), doc('environments', 'Hand made')];
    const lastApplied = { documents: new Set([documentKey('Default', 'environments', 'Old'), documentKey('Default', 'lifecycles', 'Old cycle')]), secretSources: new Map() };
    const desired = [doc('environments', 'Keep')];
    expect(computePlan(input(desired, live, { lastApplied })).summary.delete).toBe(0);
    const pruned = computePlan(input(desired, live, { lastApplied, prune: true }));
    expect(pruned.changes.filter((c) => c.action === 'delete').map((c) => c.name)).toEqual(['Old cycle', 'Old']);
    expect(computePlan(input([], live, { lastApplied, prune: true })).changes).toEqual([]);
  });

  it('sets a secret when the destination has none or its source changed (known without its value), keeps it otherwise, and reports missing ones', () => {
    const feed = doc('feeds', 'NuGet', { Password: { HasValue: true } });
    const key = documentKey('Default', 'feeds', 'NuGet');
    const sources = new Map([[key, new Map([['Password', { env: 'NUGET_PW' }]])]]);
    const held = doc('feeds', 'NuGet', { Password: { HasValue: true } });
    const empty = doc('feeds', 'NuGet');

    expect(computePlan(input([feed], [empty], { secretSources: sources })).changes[0]?.secrets).toEqual([{ path: 'Password', action: 'set', from: 'env:NUGET_PW' }]);
    const sameSource = { documents: new Set<string>(), secretSources: new Map([[`${key}#Password`, 'env:NUGET_PW']]) };
    expect(computePlan(input([feed], [held], { secretSources: sources, lastApplied: sameSource })).changes).toEqual([]);
    const otherSource = { documents: new Set<string>(), secretSources: new Map([[`${key}#Password`, 'env:OLD_NUGET_PW']]) };
    expect(computePlan(input([feed], [held], { secretSources: sources, lastApplied: otherSource })).changes[0]?.secrets).toEqual([{ path: 'Password', action: 'set', from: 'env:NUGET_PW' }]);
    // Apply, which reads the value, also sets one that changed behind the same source.
    const digests = new Map([[`${key}#Password`, 'd1']]);
    const keptHere = (digest: string) => ({ ...sameSource, secretDigests: new Map([[`${key}#Password`, digest]]) });
    expect(computePlan(input([feed], [held], { secretSources: sources, secretDigests: digests, lastApplied: keptHere('d1') })).changes).toEqual([]);
    expect(computePlan(input([feed], [held], { secretSources: sources, secretDigests: digests, lastApplied: keptHere('d0') })).changes[0]?.secrets).toHaveLength(1);
    expect(computePlan(input([feed], [held])).changes).toEqual([]);
    const missing = computePlan(input([feed], [empty]));
    expect(missing.missingSecrets).toEqual([{ space: 'Default', kind: 'feeds', name: 'NuGet', path: 'Password' }]);
    expect(computePlan(input([feed], [empty], { missingSecrets: 'placeholder' })).changes[0]?.secrets).toEqual([{ path: 'Password', action: 'placeholder' }]);
  });
});

describe('secrets a document cannot be created without', () => {
  it('is a problem on create (not on update) unless the overlay supplies it', () => {
    const kinds = [{ name: 'certificates' as const, title: 'certificate', createRequires: ['CertificateData'] }];
    const cert = doc('certificates', 'TLS', { CertificateData: { HasValue: true } });
    const plan = computePlan(input([cert], [], { kinds, missingSecrets: 'placeholder' }));
    expect(plan.problems).toEqual([
      { space: 'Default', where: "certificate 'TLS'", message: "cannot be created without CertificateData: supply it in the destination's overlay (secrets.certificates/TLS.CertificateData: {valueFrom: ...})" },
    ]);
    expect(computePlan(input([cert], [doc('certificates', 'TLS', { CertificateData: { HasValue: true } })], { kinds })).problems).toEqual([]);
    const key = documentKey('Default', 'certificates', 'TLS');
    const supplied = { secretSources: new Map([[key, new Map([['CertificateData', { file: 'tls.b64' }]])]]) };
    expect(computePlan(input([cert], [], { kinds, ...supplied })).problems).toEqual([]);
  });
});

describe('secretSlots', () => {
  it('finds sensitive values and sensitive variables by readable path', () => {
    const body: JsonObject = {
      Password: { HasValue: true },
      Variables: [
        { Name: 'Db', IsSensitive: true, Type: 'Sensitive', Scope: { Environment: ['Prod', 'Dev'] } },
        { Name: 'Plain', Type: 'String', Value: 'x' },
      ],
      Steps: [{ Name: 'Deploy', Actions: [{ Name: 'Run', Properties: { Token: { HasValue: false } } }] }],
    };
    expect(secretSlots(body).map((s) => [s.path, s.pointer, s.form, s.hasValue])).toEqual([
      ['Password', '/Password', 'sensitive-value', true],
      ['Variables[Db{Environment=Dev,Prod}]', '/Variables/0/Value', 'variable', true],
      ['Steps[Deploy].Actions[Run].Properties.Token', '/Steps/0/Actions/0/Properties/Token', 'sensitive-value', false],
    ]);
  });
});

describe('applyOverlay', () => {
  const variables = doc('project-variables', 'Web Shop', {
    Project: 'Web Shop',
    Variables: [
      { Name: 'Cdn', Type: 'String', Value: 'source-cdn' },
      { Name: 'Db', IsSensitive: true, Type: 'Sensitive', Scope: { Environment: ['Production'] } },
    ],
  });
  delete variables.body.Name;

  it('replaces values, takes secrets by reference, edits phases and keeps only listed tenants', () => {
    const result = applyOverlay('Default', [variables, doc('lifecycles', 'Main', { Phases: [{ Name: 'Prod', MinimumEnvironmentsBeforePromotion: 0 }] }), doc('tenants', 'Acme'), doc('tenants', 'Globex')], {
      variables: {
        projects: {
          'Web Shop': [
            { name: 'Cdn', value: 'prod-cdn' },
            { name: 'Db', scope: { Environment: ['Production'] }, value: { valueFrom: { env: 'DB' } } },
          ],
        },
      },
      lifecycles: { Main: { editPhases: { Prod: { MinimumEnvironmentsBeforePromotion: 1 } } } },
      tenants: { only: ['Acme'] },
    });
    expect(result.problems).toEqual([]);
    const byName = new Map(result.documents.map((d) => [d.name, d]));
    expect((byName.get('Web Shop')?.body.Variables as JsonObject[])[0]).toEqual({ Name: 'Cdn', Type: 'String', Value: 'prod-cdn' });
    expect(JSON.stringify(result.documents)).not.toContain('source-cdn');
    expect(result.secretSources.get(documentKey('Default', 'project-variables', 'Web Shop'))).toEqual(new Map([['Variables[Db{Environment=Production}]', { env: 'DB' }]]));
    expect(byName.get('Main')?.body.Phases).toEqual([{ Name: 'Prod', MinimumEnvironmentsBeforePromotion: 1 }]);
    expect(byName.has('Globex')).toBe(false);
  });

  it.each([
    [{ variables: { projects: { Nope: [{ name: 'x' }] } } }, "overlay variables.projects.Nope: names 'Nope', which is not in the repository"],
    [{ variables: { projects: { 'Web Shop': [{ name: 'Cdn', scope: { Environment: ['Prod'] }, value: 'x' }] } } }, "'Web Shop' has no variable 'Cdn' {Environment=Prod} in the repository"],
    [{ variables: { projects: { 'Web Shop': [{ name: 'Db', scope: { Environment: ['Production'] }, value: 'in-git' }] } } }, 'its value must come from valueFrom'],
    [{ lifecycles: { Main: { editPhases: { Nope: {} } } } }, "names the lifecycle 'Main', which is not in the repository"],
    [{ tenants: { only: ['Ghost'] } }, "names the tenant 'Ghost'"],
    [{ secrets: { 'feeds/NuGet': { Password: 'plain' } } }, "names 'feeds/NuGet', which is not in the repository"],
  ])('reports an override that hits nothing or would put a secret in Git: %j', (overlay, message) => {
    const { problems } = applyOverlay('Default', [variables], overlay as never);
    expect(problems.map((p) => `${p.where}: ${p.message}`).join('\n')).toContain(message);
  });

  it('copies only the documents it changes: the others are the same objects, and its inputs stay as they were', () => {
    const lifecycle = doc('lifecycles', 'Main', { Phases: [{ Name: 'Prod', MinimumEnvironmentsBeforePromotion: 0 }] });
    const untouched = doc('environments', 'Test', { Description: 'kept' });
    const withNull = doc('environments', 'Staging', { Description: null });
    const result = applyOverlay('Default', [lifecycle, untouched, withNull], { lifecycles: { Main: { editPhases: { Prod: { MinimumEnvironmentsBeforePromotion: 1 } } } } });
    const byName = new Map(result.documents.map((d) => [d.name, d]));
    expect(byName.get('Test')).toBe(untouched);
    expect(byName.get('Staging')?.body).toEqual({ Name: 'Staging' });
    expect(byName.get('Main')?.body.Phases).toEqual([{ Name: 'Prod', MinimumEnvironmentsBeforePromotion: 1 }]);
    expect(lifecycle.body.Phases).toEqual([{ Name: 'Prod', MinimumEnvironmentsBeforePromotion: 0 }]);
    expect(withNull.body).toEqual({ Name: 'Staging', Description: null });
  });

  it('applies merge patches (RFC 7396)', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({ a: 1, b: { d: 3, e: 4 }, f: [1] });
  });
});

describe('renderPlan', () => {
  const script = (lines: string[]) => `${lines.join('\n')}\n`;
  const before = script(['$ErrorActionPreference = "Stop"', 'Write-Host "Deploying"', 'Invoke-Deploy -Target $Target', 'Write-Host "Smoke test"', 'Invoke-Smoke', 'Write-Host "Done"', 'exit 0']);
  const after = script(['$ErrorActionPreference = "Stop"', 'Write-Host "Deploying"', 'Invoke-Deploy -Target $Target -Verbose', 'Write-Host "Smoke test"', 'Invoke-Smoke', 'Invoke-Warmup', 'Write-Host "Done"', 'exit 0']);
  const step = (name: string, body: string) => ({ Name: name, Actions: [{ Name: name, Properties: { 'Octopus.Action.Script.ScriptBody': body } }] });
  const kinds = [...KINDS, { name: 'deployment-processes' as const, title: 'deployment process' }];
  const plan = computePlan(
    input(
      [
        doc('environments', 'Staging', { SortOrder: 1 }),
        doc('lifecycles', 'Main', { Phases: [{ Name: 'Prod', MinimumEnvironmentsBeforePromotion: 1, OptionalDeploymentTargets: ['Production', 'DR'] }], Description: 'Script:\nline 1\nline 2' }),
        doc('feeds', 'NuGet', { Password: { HasValue: true } }),
        doc('deployment-processes', 'Web Shop', { Steps: [step('Deploy', after), step('Notify', 'Send-Slack')] }),
        doc('project-variables', 'Web Shop', { Variables: [{ Name: 'B', Value: '2' }, { Name: 'A', Value: '1' }, { Name: 'C', Value: '3' }] }),
      ],
      [
        doc('lifecycles', 'Main', { Phases: [{ Name: 'Prod', MinimumEnvironmentsBeforePromotion: 0, OptionalDeploymentTargets: ['Production', 'Staging'] }] }),
        doc('feeds', 'NuGet'),
        doc('environments', 'Old'),
        doc('deployment-processes', 'Web Shop', { Steps: [step('Deploy', before)] }),
        doc('project-variables', 'Web Shop', { Variables: [{ Name: 'A', Value: '1' }, { Name: 'B', Value: '1' }] }),
      ],
      {
        kinds,
        prune: true,
        lastApplied: { documents: new Set([documentKey('Default', 'environments', 'Old')]), secretSources: new Map() },
        secretSources: new Map([[documentKey('Default', 'feeds', 'NuGet'), new Map([['Password', { env: 'NUGET_PW' }]])]]),
      },
    ),
  );

  it('renders text: a script as a line diff, lists item by item, no colour unless asked', () => {
    expect(renderPlanText(plan)).toMatchInlineSnapshot(`
      "Plan for destination production at aaaaaaaaaaaa:

      + environment Staging
      ~ feed NuGet
          Password: secret set from env NUGET_PW at apply
      ~ lifecycle Main
          Phases[Prod].MinimumEnvironmentsBeforePromotion: 0 → 1
          Phases[Prod].OptionalDeploymentTargets: added "DR"; removed "Staging"
          Description: added (3 lines)
            @@ -1,0 +1,3 @@
            +Script:
            +line 1
            +line 2
      ~ project variables Web Shop
          Variables: added C; order A, B → B, A, C; changed B
      ~ deployment process Web Shop
          Steps[Deploy].Actions[Deploy].Properties.Octopus.Action.Script.ScriptBody: 7 lines → 8 lines
            @@ -1,7 +1,8 @@
             $ErrorActionPreference = "Stop"
             Write-Host "Deploying"
            -Invoke-Deploy -Target $Target
            +Invoke-Deploy -Target $Target -Verbose
             Write-Host "Smoke test"
             Invoke-Smoke
            +Invoke-Warmup
             Write-Host "Done"
             exit 0
          Steps[Notify]: added 'Notify' (11 lines)
            @@ -1,0 +1,11 @@
            +{
            +  "Name": "Notify",
            +  "Actions": [
            +    {
            +      "Name": "Notify",
            +      "Properties": {
            +        "Octopus.Action.Script.ScriptBody": "Send-Slack"
            +      }
            +    }
            +  ]
            +}
      - environment Old

      1 to create, 4 to update, 1 to delete.
      "
    `);
  });

  it('colours signs and diff lines on a terminal that wants them', () => {
    const coloured = renderPlanText(plan, { color: true });
    expect(coloured).toContain('\x1b[33m~ deployment process Web Shop\x1b[0m');
    expect(coloured).toContain('\x1b[32m+Invoke-Warmup\x1b[0m');
    expect(coloured).toContain('\x1b[31m-Invoke-Deploy -Target $Target\x1b[0m');
    expect(coloured.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')).toBe(renderPlanText(plan));
    expect(renderPlanText(plan)).not.toContain('\x1b[');
  });

  it('renders Markdown for a pull-request comment, with diff blocks', () => {
    expect(renderPlanMarkdown(plan)).toMatchInlineSnapshot(`
      "### octosync plan for \`production\`

      Commit \`aaaaaaaaaaaa\`: **1 to create, 4 to update, 1 to delete.**

      | | Kind | Name | Changes |
      | --- | --- | --- | --- |
      | \`+\` | environment | Staging | create |
      | \`~\` | feed | NuGet | 1 secret |
      | \`~\` | lifecycle | Main | 3 fields |
      | \`~\` | project variables | Web Shop | 1 field |
      | \`~\` | deployment process | Web Shop | 2 fields |
      | \`-\` | environment | Old | delete |

      <details><summary>Field changes</summary>

      **~ feed NuGet**

      - \`Password\`: secret set from env NUGET_PW at apply

      **~ lifecycle Main**

      - \`Phases[Prod].MinimumEnvironmentsBeforePromotion\`: 0 → 1
      - \`Phases[Prod].OptionalDeploymentTargets\`: added "DR"; removed "Staging"
      - \`Description\`: added (3 lines)

        \`\`\`diff
        @@ -1,0 +1,3 @@
        +Script:
        +line 1
        +line 2
        \`\`\`

      **~ project variables Web Shop**

      - \`Variables\`: added C; order A, B → B, A, C; changed B

      **~ deployment process Web Shop**

      - \`Steps[Deploy].Actions[Deploy].Properties.Octopus.Action.Script.ScriptBody\`: 7 lines → 8 lines

        \`\`\`diff
        @@ -1,7 +1,8 @@
         $ErrorActionPreference = "Stop"
         Write-Host "Deploying"
        -Invoke-Deploy -Target $Target
        +Invoke-Deploy -Target $Target -Verbose
         Write-Host "Smoke test"
         Invoke-Smoke
        +Invoke-Warmup
         Write-Host "Done"
         exit 0
        \`\`\`

      - \`Steps[Notify]\`: added 'Notify' (11 lines)

        \`\`\`diff
        @@ -1,0 +1,11 @@
        +{
        +  "Name": "Notify",
        +  "Actions": [
        +    {
        +      "Name": "Notify",
        +      "Properties": {
        +        "Octopus.Action.Script.ScriptBody": "Send-Slack"
        +      }
        +    }
        +  ]
        +}
        \`\`\`

      </details>
      "
    `);
  });
});
