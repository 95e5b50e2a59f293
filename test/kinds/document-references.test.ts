// A document's references are worked out once per body and reused while the documents they
// depend on stay the same: a step whose meaning comes from its template refers to what the
// template it is given says, never to what an earlier template said.
import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument } from '../../src/core/document.js';
import { deploymentProcesses } from '../../src/kinds/deployment-processes/index.js';
import { referencesOf } from '../../src/kinds/document-references.js';
import type { ReferenceContext } from '../../src/kinds/types.js';

const process = (): KindDocument => ({
  kind: 'deployment-processes',
  name: 'Shop',
  file: 'projects/shop/deployment-process.yaml',
  body: {
    Steps: [
      {
        Name: 'Deploy',
        Actions: [{ Name: 'Deploy', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Template.Id': 'Deploy to AWS', 'Aws.Account': 'Production AWS' } }],
      },
    ],
  } as JsonObject,
});

const template = (controlType: string | undefined): KindDocument => ({
  kind: 'step-templates',
  name: 'Deploy to AWS',
  file: 'step-templates/deploy-to-aws.yaml',
  body: { Name: 'Deploy to AWS', Parameters: [{ Name: 'Aws.Account', ...(controlType ? { DisplaySettings: { 'Octopus.ControlType': controlType } } : {}) }] },
});

const contextWith = (doc: KindDocument | undefined): ReferenceContext => ({ document: (kind, name) => (doc && kind === doc.kind && name === doc.name ? doc : undefined) });
const accounts = (refs: readonly { kind: string; name: string }[]) => refs.filter((ref) => ref.kind === 'accounts').map((ref) => ref.name);

describe('referencesOf', () => {
  it('gives what the kind gives, and the same answer again for the same body and template', () => {
    const doc = process();
    const context = contextWith(template('AmazonWebServicesAccount'));
    const first = referencesOf(deploymentProcesses, doc, context);
    expect(first).toEqual(deploymentProcesses.references?.(doc, context));
    expect(accounts(first)).toEqual(['Production AWS']);
    expect(referencesOf(deploymentProcesses, doc, context)).toBe(first);
  });

  it('works the answer out again when a document it looked at is another', () => {
    const doc = process();
    const withAccount = contextWith(template('AmazonWebServicesAccount'));
    expect(accounts(referencesOf(deploymentProcesses, doc, withAccount))).toEqual(['Production AWS']);
    // The same template changed (a new body), then gone: the parameter is no account any more.
    expect(accounts(referencesOf(deploymentProcesses, doc, contextWith(template(undefined))))).toEqual([]);
    expect(accounts(referencesOf(deploymentProcesses, doc, contextWith(undefined)))).toEqual([]);
    // A document of another name with the same body is not taken for the first.
    const renamed = { ...doc, name: 'Other shop' };
    expect(referencesOf(deploymentProcesses, renamed, withAccount)).toEqual(deploymentProcesses.references?.(renamed, withAccount));
  });
});
