// Dependency order: a kind comes after every kind it depends on. Apply creates in this order and
// deletes in the reverse one.

export interface Dependent<N extends string> {
  name: N;
  dependsOn: readonly N[];
}

export class DependencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DependencyError';
  }
}

/**
 * Orders items so dependencies come first, keeping the given order among independent items
 * (so the result is stable). Throws on a missing dependency or a cycle, naming it.
 */
export function dependencyOrder<N extends string, T extends Dependent<N>>(items: readonly T[]): T[] {
  const byName = new Map(items.map((item) => [item.name, item]));
  for (const item of items) {
    for (const dependency of item.dependsOn) {
      if (!byName.has(dependency)) throw new DependencyError(`'${item.name}' depends on '${dependency}', which does not exist`);
    }
  }
  const ordered: T[] = [];
  const state = new Map<N, 'visiting' | 'done'>();
  const visit = (item: T, path: N[]): void => {
    const seen = state.get(item.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new DependencyError(`dependency cycle: ${[...path, item.name].join(' → ')}`);
    state.set(item.name, 'visiting');
    for (const dependency of item.dependsOn) visit(byName.get(dependency) as T, [...path, item.name]);
    state.set(item.name, 'done');
    ordered.push(item);
  };
  for (const item of items) visit(item, []);
  return ordered;
}
