// The events log as a change detector: the newest document event of a space changes whenever
// anything in it is created, modified or deleted, so comparing it with the one seen last tells
// "nothing happened" in one request, however large the space.
import type { OctopusApi } from './client.js';
import { resolveSpaceId } from './spaces.js';

/** The id of the newest document event of each named space ('' for a space without any). */
export async function newestEvents(api: OctopusApi, spaces: readonly string[]): Promise<Map<string, string>> {
  const newest = new Map<string, string>();
  for (const space of spaces) {
    const spaceId = await resolveSpaceId(api, space);
    const page = await api.get<{ Items: { Id: string }[] }>(`/api/${spaceId}/events`, { query: { take: 1, eventGroups: 'Document' } });
    newest.set(space, page.Items[0]?.Id ?? '');
  }
  return newest;
}

export function sameEvents(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([space, id]) => b.get(space) === id);
}

/** One document event, as much of it as an incremental reader needs. */
export interface DocumentEvent {
  Id: string;
  Category: string;
  Occurred: string;
  RelatedDocumentIds: string[];
}

/**
 * Where a reader of a space's events log stopped: the newest event then, and the ids of the
 * events that occurred in a short window before it. Events are ordered by when they occurred, and
 * a write whose transaction commits late can log an event older than one already seen: the ids of
 * that window tell such a late event from the ones already counted.
 */
export interface EventMark {
  /** '' when the log was empty. */
  id: string;
  occurred: string;
  /** Where the window starts: events that occurred before it are older than anything new. */
  from: string;
  /** The other events of the window. */
  recent: string[];
}

export interface EventsSince {
  mark: EventMark;
  /** The events after `since`, or undefined when the log cannot tell (no mark, a gap, too many). */
  events: DocumentEvent[] | undefined;
}

/** How far before the newest event seen a late one may still appear. */
const LATE_EVENT_WINDOW_MS = 60_000;
const EVENTS_PAGE = 100;
/** Beyond this many new events a full read is cheaper than following them. */
const MAX_EVENT_PAGES = 5;

/**
 * The document events of a space since `since`, newest first, and the mark to give next time.
 * Complete only when the last event seen is still in the log and the walk reached the log's end
 * or events older than the mark's window: otherwise (retention removed it, or more events than
 * are worth following) `events` is undefined, as it is without a mark.
 */
export async function eventsSince(api: OctopusApi, spaceId: string, since: EventMark | undefined): Promise<EventsSince> {
  const walked: DocumentEvent[] = [];
  let stopBefore = since && since.id !== '' ? Date.parse(since.from) : undefined;
  let ended = false;
  let passed = false;
  for (let page = 0; page < MAX_EVENT_PAGES && !ended && !passed; page += 1) {
    const query = { eventGroups: 'Document', excludeDifference: 'true', take: String(EVENTS_PAGE), skip: String(page * EVENTS_PAGE) };
    const items = (await api.get<{ Items: DocumentEvent[] }>(`/api/${spaceId}/events`, { query })).Items;
    walked.push(...items);
    ended = items.length < EVENTS_PAGE;
    // Without a mark, far enough to know the window of the newest event.
    if (!since && stopBefore === undefined && walked[0]) stopBefore = Date.parse(walked[0].Occurred) - LATE_EVENT_WINDOW_MS;
    passed = stopBefore !== undefined && items.some((event) => Date.parse(event.Occurred) < (stopBefore as number));
  }
  const mark = markOf(walked, ended);
  if (!since) return { mark, events: undefined };
  const foundLast = since.id === '' || walked.some((event) => event.Id === since.id);
  if (!foundLast || !(ended || passed)) return { mark, events: undefined };
  const seen = new Set([since.id, ...since.recent]);
  const events = walked.filter((event) => !seen.has(event.Id) && (stopBefore === undefined || Date.parse(event.Occurred) >= stopBefore));
  return { mark, events };
}

/** The newest event and its window, as far as the walk knows it (all of it when the log ended). */
function markOf(newestFirst: readonly DocumentEvent[], ended: boolean): EventMark {
  const newest = newestFirst[0];
  if (!newest) return { id: '', occurred: '', from: '', recent: [] };
  const oldestWalked = Date.parse(newestFirst[newestFirst.length - 1]?.Occurred ?? newest.Occurred);
  const from = Math.max(Date.parse(newest.Occurred) - LATE_EVENT_WINDOW_MS, ended ? -Infinity : oldestWalked);
  return {
    id: newest.Id,
    occurred: newest.Occurred,
    from: new Date(from).toISOString(),
    recent: newestFirst.slice(1).filter((event) => Date.parse(event.Occurred) >= from).map((event) => event.Id),
  };
}
