// The events log as a change detector: the newest document event of a space changes whenever
// anything in it is created, modified or deleted, so comparing it with the one seen last tells
// "nothing happened" in one request, however large the space.
import type { OctopusApi } from './client.js';
import { resolveSpaceId } from './spaces.js';
import type { SpaceSummary } from './spaces.js';

/**
 * The id of the newest document event of each named space ('' for a space without any), finding
 * the spaces among `known` when given (the server check's list).
 */
export async function newestEvents(api: OctopusApi, spaces: readonly string[], known?: readonly SpaceSummary[]): Promise<Map<string, string>> {
  const newest = new Map<string, string>();
  for (const space of spaces) {
    const spaceId = await resolveSpaceId(api, space, { spaces: known });
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
  /** Whether every event of the window is known (else it was cut at `from`, after a burst). */
  whole: boolean;
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
/** Beyond this many events to walk a full read is cheaper than following them. */
const MAX_EVENT_PAGES = 5;
/** A mark remembers at most this many pages of its window, leaving a page for new events. */
const MARK_PAGES = MAX_EVENT_PAGES - 1;

/**
 * The document events of a space since `since`, newest first, and the mark to give next time.
 * Complete only when the last event seen is still in the log and the walk got past every event of
 * the mark's window: otherwise (retention removed it, or more events than are worth following)
 * `events` is undefined, as it is without a mark.
 */
export async function eventsSince(api: OctopusApi, spaceId: string, since: EventMark | undefined): Promise<EventsSince> {
  const walked: DocumentEvent[] = [];
  const at = (event: DocumentEvent) => Date.parse(event.Occurred);
  const from = since && since.id !== '' ? Date.parse(since.from) : undefined;
  const unseen = new Set(since?.recent ?? []);
  let ended = false;
  let done = false;
  for (let page = 0; page < MAX_EVENT_PAGES && !ended && !done; page += 1) {
    const query = { eventGroups: 'Document', excludeDifference: 'true', take: String(EVENTS_PAGE), skip: String(page * EVENTS_PAGE) };
    const items = (await api.get<{ Items: DocumentEvent[] }>(`/api/${spaceId}/events`, { query })).Items;
    walked.push(...items);
    for (const event of items) unseen.delete(event.Id);
    ended = items.length < EVENTS_PAGE;
    const newest = walked[0];
    if (!since) {
      // Far enough to know the window of the newest event, or as much of it as a mark keeps.
      done = newest !== undefined && (walked.length >= MARK_PAGES * EVENTS_PAGE || items.some((event) => at(event) < at(newest) - LATE_EVENT_WINDOW_MS));
    } else if (from !== undefined) {
      // Past the last event seen and every event of its window: a late event sorts above them.
      const last = walked.findIndex((event) => event.Id === since.id);
      done = last !== -1 && unseen.size === 0 && (!since.whole || walked.slice(last).some((event) => at(event) < from));
    }
  }
  const mark = markOf(walked, ended);
  if (!since) return { mark, events: undefined };
  if (!(done || ended)) return { mark, events: undefined };
  const last = since.id === '' ? walked.length : walked.findIndex((event) => event.Id === since.id);
  if (last === -1) return { mark, events: undefined };
  const seen = new Set([since.id, ...since.recent]);
  const late = (event: DocumentEvent) => from !== undefined && (since.whole ? at(event) >= from : at(event) > from);
  const events = walked.filter((event, index) => !seen.has(event.Id) && (index < last || late(event)));
  return { mark, events };
}

/** The newest event and its window, as far as the walk knows it and a mark keeps it. */
function markOf(newestFirst: readonly DocumentEvent[], ended: boolean): EventMark {
  const newest = newestFirst[0];
  if (!newest) return { id: '', occurred: '', from: '', whole: true, recent: [] };
  const at = (event: DocumentEvent) => Date.parse(event.Occurred);
  const windowStart = at(newest) - LATE_EVENT_WINDOW_MS;
  const known = newestFirst.slice(0, MARK_PAGES * EVENTS_PAGE);
  const whole = (ended && known.length === newestFirst.length) || known.some((event) => at(event) < windowStart);
  const from = whole ? windowStart : at(known[known.length - 1] ?? newest);
  return {
    id: newest.Id,
    occurred: newest.Occurred,
    from: new Date(from).toISOString(),
    whole,
    recent: known.slice(1).filter((event) => at(event) >= from).map((event) => event.Id),
  };
}
