// Notifications of one destination: JSON posted to the webhook its file names (`notify.webhook`,
// a secret reference: webhook URLs carry their own credentials). `{"text": ...}` is what Slack's
// and Microsoft Teams' incoming webhooks both accept. Sent when an apply fails, when drift is
// found, and when an apply succeeds after a failure. A notification that cannot be delivered is
// logged and dropped: it never stops the loop.
import { checkApiKey, secretFilePolicy, secretReader } from '../commands/secret-values.js';
import type { Destination } from '../repo/destination.js';
import type { Logger } from './logger.js';

export type NotificationEvent = 'apply-failed' | 'drift-found' | 'recovered';

export interface NotifierContext {
  env: NodeJS.ProcessEnv;
  stateDir: string;
  secretDirs?: string[];
  logger: Logger;
}

const TIMEOUT_MS = 10_000;

export async function notify(destination: Destination, event: NotificationEvent, text: string, context: NotifierContext): Promise<void> {
  const reference = destination.notify?.webhook;
  if (!reference) return;
  const log = context.logger.child({ destination: destination.name, notification: event });
  try {
    const usedFor = `the notification webhook of destination '${destination.name}'`;
    const secrets = secretReader(context.env, secretFilePolicy({ stateDir: context.stateDir, env: context.env, ...(context.secretDirs ? { secretDirs: context.secretDirs } : {}) }));
    const url = checkApiKey(await secrets.read(reference, usedFor), reference, usedFor);
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: `octosync · ${destination.name}: ${text}` }), signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) log.warn(`notification not accepted: HTTP ${response.status}`);
  } catch (error) {
    // The URL is never logged: only why it failed.
    log.warn(`notification not sent: ${(error as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : (error as Error).message.replace(/https?:\/\/\S+/g, '<webhook>')}`);
  }
}
