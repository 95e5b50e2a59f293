// Which webhook requests prove they know the shared secret.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookAuthorized } from '../../src/daemon/server.js';

describe('webhookAuthorized', () => {
  const body = Buffer.from('{"ref":"refs/heads/staging"}');
  const github = `sha256=${createHmac('sha256', 'hook-secret').update(body).digest('hex')}`;
  it.each([
    ['a GitHub signature of the body', { 'x-hub-signature-256': github }, true],
    ['a GitHub signature of another body', { 'x-hub-signature-256': `sha256=${createHmac('sha256', 'hook-secret').update('other').digest('hex')}` }, false],
    ['a GitLab token', { 'x-gitlab-token': 'hook-secret' }, true],
    ['a wrong GitLab token', { 'x-gitlab-token': 'guess' }, false],
    ['a bearer token', { authorization: 'Bearer hook-secret' }, true],
    ['nothing', {}, false],
  ])('%s', (_name, headers, expected) => {
    expect(webhookAuthorized(headers, body, 'hook-secret')).toBe(expected);
  });
});
