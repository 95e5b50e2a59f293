// Apply's outcomes follow the plan whatever order its writes end in, and are passed on as soon as
// every change before them has one.
import { describe, expect, it } from 'vitest';
import { outcomesInPlanOrder } from '../../src/commands/apply-outcomes.js';
import type { PlannedChange } from '../../src/core/plan.js';
import type { ResourceOutcome } from '../../src/state/status-store.js';

const change = (kind: string, name: string, action: PlannedChange['action'] = 'create') => ({ space: 'Default', kind, name, action }) as unknown as PlannedChange;
const outcome = (kind: string, name: string, result: ResourceOutcome['result'] = 'applied', action: ResourceOutcome['action'] = 'create') =>
  ({ space: 'Default', kind, name, action, result }) as ResourceOutcome;
const names = (outcomes: readonly ResourceOutcome[]) => outcomes.map((o) => `${o.kind}/${o.name} ${o.result}`);

describe('outcomes in plan order', () => {
  const plan = [change('environments', 'Dev'), change('feeds', 'Docker'), change('projects', 'Web'), change('projects', 'Old', 'delete')];

  it('passes an outcome on once every change before it has one, and lists all in plan order', () => {
    const passed: ResourceOutcome[] = [];
    const order = outcomesInPlanOrder(plan, (o) => passed.push(o));
    order.record(outcome('projects', 'Web'));
    order.record(outcome('feeds', 'Docker'));
    expect(passed).toEqual([]);
    order.record(outcome('environments', 'Dev'));
    expect(names(passed)).toEqual(['environments/Dev applied', 'feeds/Docker applied', 'projects/Web applied']);
    // A second pass's outcome of a change already passed on goes at once, and is listed after its first.
    order.record(outcome('feeds', 'Docker', 'failed'));
    expect(names(passed).at(-1)).toBe('feeds/Docker failed');
    order.record(outcome('projects', 'Old', 'applied', 'delete'));
    expect(names(order.finish())).toEqual(['environments/Dev applied', 'feeds/Docker applied', 'feeds/Docker failed', 'projects/Web applied', 'projects/Old applied']);
  });

  it('passes on what is held behind a change that never got an outcome when it finishes', () => {
    const passed: ResourceOutcome[] = [];
    const order = outcomesInPlanOrder(plan, (o) => passed.push(o));
    order.record(outcome('feeds', 'Docker'));
    order.record(outcome('projects', 'Web', 'skipped'));
    expect(passed).toEqual([]);
    const all = order.finish();
    expect(names(passed)).toEqual(['feeds/Docker applied', 'projects/Web skipped']);
    expect(all).toEqual(passed);
  });
});
