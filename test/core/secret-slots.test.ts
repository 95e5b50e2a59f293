// Secret slots of a document body: found again for a body that may change, found once for a
// frozen one (the repository values a daemon shares between its destinations).
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/core/document.js';
import { secretSlots } from '../../src/core/secrets.js';

const account = (): JsonObject => ({ Name: 'Azure', Password: { HasValue: true } });

describe('secretSlots', () => {
  it('sees a change made to a body that is not frozen', () => {
    const body = account();
    expect(secretSlots(body).map((slot) => slot.path)).toEqual(['Password']);
    body.Token = { HasValue: true };
    expect(secretSlots(body).map((slot) => slot.path)).toEqual(['Password', 'Token']);
  });

  it('finds the slots of a frozen body once, and gives them frozen', () => {
    const body = Object.freeze(account());
    Object.freeze(body.Password);
    const first = secretSlots(body);
    const again = secretSlots(body);
    expect(again).toEqual(first);
    expect(again).toEqual([{ path: 'Password', pointer: '/Password', form: 'sensitive-value', hasValue: true }]);
    expect(secretSlots(body)).toBe(again);
    expect(Object.isFrozen(again)).toBe(true);
    expect(Object.isFrozen(again[0])).toBe(true);
  });
});
