import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/core/document.js';
import { newerFieldsUsed, omitNewerDefaults } from '../../src/kinds/newer-fields.js';

describe('newer fields', () => {
  const runbook = (): JsonObject => ({
    Name: 'Restart',
    RunRetentionPolicy: { QuantityToKeep: 10, Strategy: 'Default' },
    ForcePackageDownload: false,
    CancelQueuedTasks: true,
    Process: {
      Steps: [
        { Name: 'A', Type: 'Step', Actions: [{ Name: 'a1', GitDependencies: [] }, { Name: 'a2', GitDependencies: [{ Name: 'repo' }] }] },
        { Name: 'B~/', Type: 'ProcessTemplateUsage', Actions: 'not a list' },
        'not a step',
      ],
    },
  });

  it('leaves out every default, however deep in lists, and keeps every other value', () => {
    expect(omitNewerDefaults('runbooks', runbook())).toEqual({
      Name: 'Restart',
      RunRetentionPolicy: { QuantityToKeep: 10 },
      CancelQueuedTasks: true,
      Process: {
        Steps: [
          { Name: 'A', Actions: [{ Name: 'a1' }, { Name: 'a2', GitDependencies: [{ Name: 'repo' }] }] },
          { Name: 'B~/', Type: 'ProcessTemplateUsage', Actions: 'not a list' },
          'not a step',
        ],
      },
    });
  });

  it('names where a document sets one to other than its default, by JSON pointer', () => {
    expect(newerFieldsUsed('runbooks', runbook()).map((use) => `${use.field.path} ${use.pointer}`)).toEqual([
      'CancelQueuedTasks /CancelQueuedTasks',
      'Process.Steps[].Type /Process/Steps/1/Type',
      'Process.Steps[].Actions[].GitDependencies /Process/Steps/0/Actions/1/GitDependencies',
    ]);
    expect(newerFieldsUsed('environments', { Name: 'Dev', EnvironmentTags: ['a/b'] }).map((use) => use.pointer)).toEqual(['/EnvironmentTags']);
  });
});
