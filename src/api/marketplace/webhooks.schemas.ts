import { Type } from '@sinclair/typebox';

const EventType = Type.String({
  maxLength: 100,
  pattern: '^[A-Za-z]+\\.(\\*|[A-Za-z_]+(\\.[A-Za-z_]+)*)$',
  description: 'an `action` as webhooks carry it, `<family>.<verb>` (e.g. `event.created`, `notifyMe.created.updated`), or `<family>.*`',
});

export const EndpointBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'http(s) URL that receives POSTed webhooks, on the public internet: loopback, private, link-local and reserved addresses and URLs with credentials are 400 (unless the deployment sets WEBHOOK_PRIVATE_NETWORKS=allow)',
    }),
    eventTypes: Type.Optional(Type.Array(EventType, { maxItems: 100, description: 'event types to receive; empty or absent = all' })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export const Endpoint = Type.Object({
  id: Type.String({ examples: ['whk_01jg…'] }),
  url: Type.String(),
  secret: Type.String({ description: 'HMAC key for `encore-signature`' }),
  description: Type.Union([Type.String(), Type.Null()]),
  eventTypes: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const EndpointParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const DeliveryStatus = Type.Union([Type.Literal('PENDING'), Type.Literal('DELIVERED'), Type.Literal('FAILED')]);

export const Delivery = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  eventId: Type.String({ description: 'the `encore-event-id` header: the same for every endpoint and every attempt' }),
  eventType: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  payload: Type.Unknown({ description: 'the body as sent' }),
  attemptLog: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      startedAt: Type.String({ format: 'date-time' }),
      durationMs: Type.Integer(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const DeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  status: Type.Optional(DeliveryStatus),
});
