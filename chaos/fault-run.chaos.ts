// `npm run chaos`: the whole fault run (see fault-run.ts), printing converged / duplicates / lost
// per phase and in total. A developer tool, not part of `npm test`; it takes a few minutes.
// CHAOS_SEED makes the faults and kill times repeatable; CHAOS_KILLS sets how many processes die.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { createWorld, faultPhase, formatResults, killPhase, seededRandom, snapshotKillPhase } from './fault-run.js';
import type { PhaseResult } from './fault-run.js';

const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const KILLS = Number(process.env.CHAOS_KILLS ?? 20);

beforeAll(async () => {
  // The processes killed are the built CLI, as people run it.
  await new Promise<void>((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)) }, (error, stdout, stderr) => (error ? reject(new Error(`${stdout}\n${stderr}`)) : resolve()));
  });
}, 180_000);

it('converges with no duplicate and nothing lost', { timeout: 1_800_000 }, async () => {
  const random = seededRandom(SEED);
  const results: PhaseResult[] = [];
  for (const rate of [0.2, 0.4, 0.6]) {
    const world = await createWorld({ random: seededRandom(SEED + Math.round(rate * 100)) });
    try {
      results.push(await faultPhase(world, rate));
    } finally {
      await world.close();
    }
  }
  const world = await createWorld();
  try {
    results.push(await killPhase(world, KILLS, random));
    results.push(await snapshotKillPhase(world, Math.max(1, Math.round(KILLS / 2)), random));
  } finally {
    await world.close();
  }
  console.log(`\nfault run (CHAOS_SEED=${SEED}, CHAOS_KILLS=${KILLS})\n${formatResults(results)}\n`);
  expect(results.filter((r) => !r.converged || r.duplicates > 0 || r.lost > 0)).toEqual([]);
});
