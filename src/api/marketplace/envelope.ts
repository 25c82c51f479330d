import { Type, type TSchema } from '@sinclair/typebox';

/** The marketplace family's success body: `{ status, data, errors: null }` (SPEC §1). */
export function Ok<T extends TSchema>(data: T) {
  return Type.Object({
    status: Type.Integer({ examples: [200] }),
    data,
    errors: Type.Null(),
  });
}

export function ok<T>(data: T, status = 200): { status: number; data: T; errors: null } {
  return { status, data, errors: null };
}

export const ErrorEnvelope = Type.Object(
  {
    status: Type.Integer(),
    data: Type.Null(),
    errors: Type.Array(
      Type.Object({
        code: Type.String({ description: 'stable SCREAMING_SNAKE error code' }),
        message: Type.String(),
        field: Type.Optional(Type.String({ description: 'JSON path of the offending field' })),
        details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
    requestId: Type.Optional(Type.String()),
  },
  { $id: 'MarketplaceError', description: 'Marketplace-family error envelope' },
);

/** Error responses every authenticated marketplace route can give, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorEnvelope> {
  const out: Record<number, typeof ErrorEnvelope> = {};
  for (const s of [400, 401, ...statuses]) out[s] = ErrorEnvelope;
  return out;
}
