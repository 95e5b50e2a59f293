// The audit log: `GET /api/{spaceId}/events` (and `/api/events` server-wide), newest first,
// with the filters incremental readers use: `from`/`to` (dates; from inclusive, to exclusive),
// `fromAutoId`/`toAutoId` (inclusive, inferred), `regarding`/`regardingAny`, `eventCategories`,
// `eventGroups` (`Document` = Created/Modified/Deleted) and `documentTypes`.
import { page, splitList } from '../collection.js';
import { notFound } from '../http-error.js';
import type { Call, Handler, Routes } from '../routes.js';
import type { EventRecord } from '../store.js';

const DOCUMENT_GROUP = new Set(['Created', 'Modified', 'Deleted']);

export function registerEvents(routes: Routes): void {
  const list: Handler = (call) => ({ status: 200, body: page(call, 'Event', selectEvents(call).map(presentEvent)) });
  const get: Handler = (call) => {
    const event = call.instance.store.events().find((e) => e.Id.toLowerCase() === (call.params.id ?? '').toLowerCase());
    if (!event || (call.spaceId !== null && event.SpaceId !== call.spaceId)) throw notFound(call.params.id ?? '');
    return { status: 200, body: presentEvent(event) };
  };
  routes.system('GET', '/events', list);
  routes.system('GET', '/events/:id', get);
  routes.space('GET', '/events', list, { defaultForm: false });
  routes.space('GET', '/events/:id', get, { defaultForm: false });
  routes.system('GET', '/events/groups', () => ({
    status: 200,
    body: [{ Id: 'Document', Name: 'Document', EventCategories: [...DOCUMENT_GROUP] }],
  }));
  routes.system('GET', '/events/categories', () => ({
    status: 200,
    body: [...DOCUMENT_GROUP].map((name) => ({ Id: name, Name: name })),
  }));
}

function selectEvents(call: Call): EventRecord[] {
  const q = call.query;
  const from = q.get('from') ? Date.parse(q.get('from') ?? '') : undefined;
  const to = q.get('to') ? Date.parse(q.get('to') ?? '') : undefined;
  const fromAutoId = q.get('fromAutoId') ? Number(q.get('fromAutoId')) : undefined;
  const toAutoId = q.get('toAutoId') ? Number(q.get('toAutoId')) : undefined;
  const regarding = splitList(q.get('regarding')).map((id) => id.toLowerCase());
  const regardingAny = splitList(q.get('regardingAny')).map((id) => id.toLowerCase());
  const categories = new Set(splitList(q.get('eventCategories')));
  const groups = splitList(q.get('eventGroups'));
  const documentTypes = new Set(splitList(q.get('documentTypes')).map((t) => t.toLowerCase()));
  const ids = new Set(splitList(q.get('ids')).map((id) => id.toLowerCase()));
  const spaces = splitList(q.get('spaces'));

  return call.instance.store
    .events()
    .filter((event) => {
      const related = event.RelatedDocumentIds.map((id) => id.toLowerCase());
      const occurred = Date.parse(event.Occurred);
      if (call.spaceId !== null && event.SpaceId !== call.spaceId) return false;
      if (call.spaceId === null && spaces.length > 0 && !spaces.includes(String(event.SpaceId))) return false;
      if (from !== undefined && occurred < from) return false;
      if (to !== undefined && occurred >= to) return false;
      if (fromAutoId !== undefined && event.AutoId < fromAutoId) return false;
      if (toAutoId !== undefined && event.AutoId > toAutoId) return false;
      if (regarding.length > 0 && !regarding.every((id) => related.includes(id))) return false;
      if (regardingAny.length > 0 && !regardingAny.some((id) => related.includes(id))) return false;
      if (categories.size > 0 && !categories.has(event.Category)) return false;
      if (groups.length > 0 && !(groups.includes('Document') && DOCUMENT_GROUP.has(event.Category))) return false;
      if (documentTypes.size > 0 && !documentTypes.has(event.DocumentType.toLowerCase())) return false;
      if (ids.size > 0 && !ids.has(event.Id.toLowerCase())) return false;
      return true;
    })
    // By when they occurred, newest first (as documented); a write whose clock lagged logs an
    // event that sorts below newer ones already listed.
    .sort((a, b) => Date.parse(b.Occurred) - Date.parse(a.Occurred) || b.AutoId - a.AutoId);
}

function presentEvent(event: EventRecord): Record<string, unknown> {
  return {
    Id: event.Id,
    AutoId: event.AutoId,
    Category: event.Category,
    RelatedDocumentIds: event.RelatedDocumentIds,
    UserId: event.UserId,
    Username: event.Username,
    IsService: false,
    IdentityEstablishedWith: 'API key',
    UserAgent: null,
    Occurred: event.Occurred,
    Message: event.Message,
    MessageHtml: event.Message,
    MessageReferences: [],
    Comments: null,
    Details: null,
    ChangeDetails: null,
    SpaceId: event.SpaceId,
    Links: { Self: event.SpaceId ? `/api/${event.SpaceId}/events/${event.Id}` : `/api/events/${event.Id}` },
  };
}
