// Apply's outcomes in the plan's order, whatever order its writes end in. Kinds are written at
// the same time and a kind's writes in a pool (see apply-schedule.ts), so writes end in an order
// that changes from run to run; what apply prints, stores and reports follows the plan instead.
// An outcome is passed on as soon as every change before it in the plan has its outcome, so
// progress still shows while the apply runs.
import type { PlannedChange } from '../core/plan.js';
import { documentKey } from '../core/plan.js';
import type { ResourceOutcome } from '../state/status-store.js';

export interface OutcomesInPlanOrder {
  /** Takes an outcome as a write ends; passes on those now in order. */
  record(outcome: ResourceOutcome): void;
  /**
   * Passes on what is still held (after changes that never got an outcome, an apply cut short)
   * and returns every outcome in plan order, a change's later outcomes (its second pass) right
   * after its first.
   */
  finish(): ResourceOutcome[];
}

const keyOf = (change: Pick<PlannedChange, 'space' | 'kind' | 'name' | 'action'>) => `${documentKey(change.space, change.kind, change.name)}\u0000${change.action}`;

export function outcomesInPlanOrder(changes: readonly PlannedChange[], passOn: (outcome: ResourceOutcome) => void): OutcomesInPlanOrder {
  const position = new Map<string, number>();
  for (const [index, change] of changes.entries()) if (!position.has(keyOf(change))) position.set(keyOf(change), index);
  /** Outcomes by plan position: a change's first, then any later ones. */
  const byPosition: ResourceOutcome[][] = changes.map(() => []);
  /** Outcomes of nothing the plan holds (none expected): kept at the end, in the order they came. */
  const unplanned: ResourceOutcome[] = [];
  /** The first position whose change has no outcome yet: everything before it was passed on. */
  let next = 0;
  const advance = () => {
    while (next < byPosition.length && (byPosition[next]?.length ?? 0) > 0) {
      for (const outcome of byPosition[next] ?? []) passOn(outcome);
      next += 1;
    }
  };
  return {
    record: (outcome) => {
      const index = position.get(keyOf(outcome));
      if (index === undefined) {
        unplanned.push(outcome);
        passOn(outcome);
        return;
      }
      byPosition[index]?.push(outcome);
      // A later outcome of a change already passed on goes at once; a first one may let others go.
      if (index < next) passOn(outcome);
      else advance();
    },
    finish: () => {
      for (; next < byPosition.length; next += 1) for (const outcome of byPosition[next] ?? []) passOn(outcome);
      return [...byPosition.flat(), ...unplanned];
    },
  };
}
