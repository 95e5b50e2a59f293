// A short, seeded slice of the fault run (`npm run chaos` runs it whole): apply, change the
// repository (an update, a new resource, one dropped), apply again, all with 40% of the
// destination's writes failing in every way a write can fail; it must converge with no duplicate
// and no orphan.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, faultPhase, seededRandom } from '../../chaos/fault-run.js';
import type { World } from '../../chaos/fault-run.js';

let world: World;

beforeEach(async () => {
  world = await createWorld({ random: seededRandom(40) });
});

afterEach(async () => {
  await world.close();
});

describe('the fault run, a slice', () => {
  it('converges under 40% write faults with no duplicate and nothing lost', { timeout: 120_000 }, async () => {
    const result = await faultPhase(world, 0.4);
    expect(result).toMatchObject({ converged: true, duplicates: 0, lost: 0, notes: [] });
  });
});
