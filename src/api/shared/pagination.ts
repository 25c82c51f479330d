import { Type, type Static } from '@sinclair/typebox';

/** `limit` / `offset` paging of the marketplace family. */
export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'page size (1..100)' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'items to skip' })),
});
export type PageQuery = Static<typeof PageQuery>;

export function Page<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
}

export function pageOf(q: PageQuery): { limit: number; offset: number } {
  return { limit: q.limit ?? 20, offset: q.offset ?? 0 };
}
