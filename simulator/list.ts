import { ERROR_CODES, LIST_LIMIT_DEFAULT } from '../wooshpay/assumptions.js';
import type { ListParamsSchema, ListEnvelope } from '../wooshpay/schemas.js';
import type { z } from 'zod';
import { invalidRequest } from './api-error.js';

type ListParams = z.output<typeof ListParamsSchema>;

/**
 * §2.5 on stored objects (oldest first in `items`): newest first unless the list has an order of
 * its own (a session's line items), `created` filter, cursors by id.
 */
export function paginate<T extends { id: string }>(
  items: Iterable<T>,
  params: ListParams,
  url: string,
  order: 'newest_first' | 'as_stored' = 'newest_first',
): ListEnvelope<T> {
  const ordered = order === 'newest_first' ? [...items].reverse() : [...items];
  const selected = ordered.filter((item) => inCreatedRange(createdOf(item), params.created));
  const limit = params.limit ?? LIST_LIMIT_DEFAULT;
  if (params.starting_after !== undefined) {
    const at = cursorIndex(selected, params.starting_after, 'starting_after');
    const rest = selected.slice(at + 1);
    return envelope(rest.slice(0, limit), rest.length > limit, url);
  }
  if (params.ending_before !== undefined) {
    const before = selected.slice(0, cursorIndex(selected, params.ending_before, 'ending_before'));
    return envelope(before.slice(-limit), before.length > limit, url);
  }
  return envelope(selected.slice(0, limit), selected.length > limit, url);
}

export function envelope<T>(data: T[], hasMore: boolean, url: string): ListEnvelope<T> {
  return { object: 'list', url, has_more: hasMore, data };
}

function cursorIndex(items: { id: string }[], id: string, param: string): number {
  const at = items.findIndex((item) => item.id === id);
  if (at === -1) throw invalidRequest(ERROR_CODES.resourceMissing, `No such object in this list: '${id}'`, param);
  return at;
}

function createdOf(item: object): number | undefined {
  return 'created' in item && typeof item.created === 'number' ? item.created : undefined;
}

function inCreatedRange(created: number | undefined, filter: ListParams['created']): boolean {
  if (filter === undefined || created === undefined) return true;
  if (typeof filter === 'number') return created === filter;
  return (
    (filter.gt === undefined || created > filter.gt) &&
    (filter.gte === undefined || created >= filter.gte) &&
    (filter.lt === undefined || created < filter.lt) &&
    (filter.lte === undefined || created <= filter.lte)
  );
}
