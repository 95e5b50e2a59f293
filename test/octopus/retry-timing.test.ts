import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, resolveRetryOptions } from '../../src/octopus/retry.js';

describe('backoff with full jitter', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it.each([
    [1, 0.5, 50],
    [2, 0.5, 100],
    [3, 0.5, 200],
    [5, 0.5, 500],
    [10, 0.5, 500], // capped at maxDelayMs
    [3, 0, 0],
    [3, 0.999, 399],
  ])('retry %d with random() = %d waits %d ms', (retry, random, expected) => {
    expect(backoffDelay(retry, { ...options, random: () => random })).toBe(expected);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each([
    ['1', 1000],
    [' 120 ', 120_000],
    ['0', 0],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('parseRetryAfter(%j) = %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it('reads the first of repeated headers', () => {
    expect(parseRetryAfter(['2', '5'], now)).toBe(2000);
  });
});

describe('retry options', () => {
  it('fills in defaults and ignores undefined overrides', () => {
    expect(resolveRetryOptions({ maxAttempts: undefined, baseDelayMs: 5 })).toMatchObject({ maxAttempts: 5, baseDelayMs: 5 });
  });

  it('refuses a maxAttempts below 1', () => {
    expect(() => resolveRetryOptions({ maxAttempts: 0 })).toThrow(RangeError);
  });
});
