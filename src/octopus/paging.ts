// Reading a whole Octopus `ResourceCollection` in as few round trips as the server allows.

/** The envelope of an Octopus list endpoint (`GET /api/Spaces-1/environments?skip=0&take=30`). */
export interface ResourceCollection<T> {
  ItemType?: string;
  TotalResults: number;
  ItemsPerPage?: number;
  NumberOfPages?: number;
  LastPageNumber?: number;
  Items: T[];
  Links?: Record<string, string>;
}

/** Octopus's own "all" page size (`Page.All` links, api-client `TakeAll`): int.MaxValue. */
export const TAKE_ALL = 2_147_483_647;

export type PageReader<T> = (skip: number, take: number) => Promise<ResourceCollection<T>>;

export interface PagingOptions {
  /** The `take` asked for. Default `TAKE_ALL`: one request when the server does not cap it. */
  pageSize?: number;
}

/**
 * A collection whose pages hold fewer items than its own `TotalResults` says it has: a server (or
 * a proxy before it) that cut the answer short. Reading on would treat what is missing as deleted.
 */
export class IncompleteCollectionError extends Error {
  constructor(
    readonly received: number,
    readonly total: number,
  ) {
    super(`the collection is incomplete: ${received} of ${total} items (its TotalResults) were returned`);
    this.name = 'IncompleteCollectionError';
  }
}

/**
 * Every item of a collection. The first page tells the total and the page size the server really
 * uses (it may cap `take`); the remaining pages are then requested together, so a capped server
 * costs one round trip plus one concurrent batch instead of one round trip per page. The caller's
 * concurrency limit still applies to the batch.
 *
 * Offset paging is not a snapshot: an item created or deleted between two pages can shift the
 * others. Items are de-duplicated by `Id`, and the pages are followed until the last reported
 * total is reached. Fewer items than the last total (an empty page before it, or fewer distinct
 * items) is an IncompleteCollectionError, never a shorter list.
 */
export async function readAllPages<T>(readPage: PageReader<T>, options: PagingOptions = {}): Promise<T[]> {
  const take = options.pageSize ?? TAKE_ALL;
  if (!Number.isInteger(take) || take < 1) throw new RangeError(`pageSize must be an integer >= 1, got ${take}`);
  const first = checkPage(await readPage(0, take));
  const served = first.Items.length;
  if (served === 0 && first.TotalResults > 0) throw new IncompleteCollectionError(0, first.TotalResults);
  if (served >= first.TotalResults) return first.Items;

  const skips: number[] = [];
  for (let skip = served; skip < first.TotalResults; skip += served) skips.push(skip);
  const rest = (await Promise.all(skips.map((skip) => readPage(skip, take)))).map(checkPage);
  const pages = [first, ...rest];

  // Follow on while the server says there is more (a short page, or items created meanwhile).
  let last = pages[pages.length - 1] ?? first;
  let next = (skips[skips.length - 1] ?? 0) + last.Items.length;
  while (next < last.TotalResults) {
    if (last.Items.length === 0) throw new IncompleteCollectionError(next, last.TotalResults);
    last = checkPage(await readPage(next, take));
    pages.push(last);
    next += last.Items.length;
  }
  const items = dedupeById(pages.flatMap((page) => page.Items));
  if (items.length < last.TotalResults) throw new IncompleteCollectionError(items.length, last.TotalResults);
  return items;
}

function checkPage<T>(page: ResourceCollection<T>): ResourceCollection<T> {
  if (typeof page !== 'object' || page === null || !Array.isArray(page.Items) || typeof page.TotalResults !== 'number') {
    throw new TypeError('expected an Octopus resource collection ({Items, TotalResults})');
  }
  return page;
}

function dedupeById<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = (item as { Id?: unknown } | null)?.Id;
    if (typeof id !== 'string') return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
