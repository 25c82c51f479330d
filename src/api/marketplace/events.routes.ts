import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BODY_LIMIT } from '../shared/body-limits.js';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { Page, pageOf } from '../shared/pagination.js';
import { cancelEventWithTickets } from '../../flows/event-cancellation.js';
import { upsertRulesWithShield } from '../../flows/event-rules.js';
import { EventBody, EventPutBody, EventView, RuleView, RulesBody, rejectNulCharacters, wrapSingleShow } from '../../modules/events/index.js';
import * as service from '../../modules/events/index.js';
import { CancellationQuery, EventListQuery, EventRefParams } from './events.schemas.js';

const tags = ['Events'];

/** Before schema validation: NUL characters (named by field) and the single-show shorthand. */
function prepareEventBody(body: unknown): Error | undefined {
  try {
    rejectNulCharacters(body);
    wrapSingleShow(body);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

function prepareRulesBody(body: unknown): Error | undefined {
  try {
    rejectNulCharacters(body);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

const VALIDATION_NOTES =
  'Dates are ISO 8601 date-times; one without an offset (`2027-07-01T20:00:00`) is read in `location.timeZone` (UTC when the event has none; ' +
  'a time the clocks skip moves forward by the gap, one they repeat is the earlier) and stored with that offset; a date alone or anything else is ' +
  '400 `INVALID_DATE`. Prices are decimal major units of the event currency ' +
  '(400 `VALIDATION_ERROR` for more decimals than the currency has; a ticket option `currency` other than the event currency is 400 `INVALID_CURRENCY` ' +
  'naming the first that differs); ids are unique within their parent (400 `DUPLICATE_ID`); combinations, zone ticket options and `zoneId` must ' +
  'name existing entries (400 `UNKNOWN_REFERENCE`). Every `location` member is optional; `configuration.policy` defaults to `NONE`. ' +
  'Unknown fields are ignored and named in the `Encore-Ignored-Fields` response header (400 `UNKNOWN_FIELD` with `Encore-Strict: true`). ' +
  '`shows` may also be a single show object.';

const CURRENCY_NOTES =
  'The event currency is `configuration.currency` when sent; otherwise the currency its ticket options carry (they must agree: 400 ' +
  '`INVALID_CURRENCY` naming the first that differs); otherwise the tenant currency. It is fixed once the event exists.';

export function eventsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.post('/events', {
      bodyLimit: BODY_LIMIT.large,
      preValidation: (req, _reply, done) => done(prepareEventBody(req.body)),
      schema: {
        tags,
        summary: 'Create an event',
        description:
          'Creates an event with its shows, ticket options, price types and configuration, and returns it with Encore ids (`evt_…`, `shw_…`). ' +
          'Required, as in the reference: `title`, `description`, `externalReferenceId`, `shows`, `location` and `configuration` (either may be `{}`). ' +
          `An existing \`externalReferenceId\` is 409 \`EVENT_EXISTS\`. ${VALIDATION_NOTES} ${CURRENCY_NOTES} Sends the \`event.created\` webhook.`,
        body: EventBody,
        response: { 200: Ok(EventView), ...errorResponses(409) },
      },
    }, async (req) => ok(await service.createEvent(deps, actorOf(req), req.body)));

    app.put('/events', {
      bodyLimit: BODY_LIMIT.large,
      preValidation: (req, _reply, done) => done(prepareEventBody(req.body)),
      schema: {
        tags,
        summary: 'Update an event',
        description:
          'Updates the event named by `externalReferenceId`, the only required member (404 `EVENT_NOT_FOUND`; a cancelled event is 409 `EVENT_CANCELLED`). ' +
          'Each top-level member sent replaces the stored one as a whole (`shows` the whole list, `location` and `configuration` the whole object; ' +
          '`null` clears `producers` or `seating`); each member left out keeps its stored value. The result is checked like a new event (a new ' +
          '`seating` against the stored ticket options, and so on). Shows are matched by `showId` and keep their Encore id; when `shows` is sent, ' +
          'shows, ticket options and price types missing from it are deleted, which is 409 `SHOW_HAS_TICKETS` once tickets exist (cancel them instead). ' +
          'The currency cannot change (400 `INVALID_CURRENCY`; a `configuration` without `currency` keeps it). A show `status` ' +
          'may be omitted or repeated; `LIVE` for a cancelled show is 409 `SHOW_CANCELLED`, `CANCELLED` is 400 (use the cancellation endpoint). Rules naming a removed ' +
          `show, ticket option or price type are removed. ${VALIDATION_NOTES} Sends \`event.updated\`.`,
        body: EventPutBody,
        response: { 200: Ok(EventView), ...errorResponses(404, 409) },
      },
    }, async (req) => ok(await service.replaceEvent(deps, actorOf(req), req.body)));

    app.get('/events', {
      schema: {
        tags,
        summary: 'List events',
        description: 'Encore extension. Newest first, each with its shows and rules.',
        querystring: EventListQuery,
        response: { 200: Ok(Page(EventView)), ...errorResponses() },
      },
    }, async (req) => ok(await service.listEvents(deps, tenantOf(req).tenantId, pageOf(req.query), req.query.status)));

    app.get('/events/:externalReferenceId', {
      schema: {
        tags,
        summary: 'Get an event',
        description: 'Encore extension. The stored event with its shows, ticket options, price types, combinations and rules (404 `EVENT_NOT_FOUND`).',
        params: EventRefParams,
        response: { 200: Ok(EventView), ...errorResponses(404) },
      },
    }, async (req) => ok(await service.getEvent(deps, tenantOf(req).tenantId, req.params.externalReferenceId)));

    app.post('/events/:externalReferenceId/cancellation', {
      schema: {
        tags,
        summary: 'Cancel an event or one show',
        description:
          'Cancels the show `showId`, or the whole event when it has a single show; an event with several shows needs `showId` (400 `SHOW_ID_REQUIRED`, ' +
          'the show ids in `details`). Unknown event 404 `EVENT_NOT_FOUND`, unknown show 404 `SHOW_NOT_FOUND`. When its last live show is cancelled the event ' +
          'is CANCELLED too. The live tickets (VALID, LISTED, RESERVED) of the cancelled show(s) become CANCELLED in the same transaction (reason `EVENT_CANCELLED`, or ' +
          '`SHOW_CANCELLED` when a show was named). Cancelling something already cancelled succeeds again without side effects. Sends `event.cancelled` (with `showId` when one show was named).',
        params: EventRefParams,
        querystring: CancellationQuery,
        response: { 200: Ok(EventView), ...errorResponses(404) },
      },
    }, async (req) => ok(await cancelEventWithTickets(deps, actorOf(req), req.params.externalReferenceId, req.query.showId)));

    app.post('/events/rules', {
      bodyLimit: BODY_LIMIT.large,
      preValidation: (req, _reply, done) => done(prepareRulesBody(req.body)),
      schema: {
        tags,
        summary: 'Define or update event rules',
        description:
          'Upserts rules by (event, showId, ticketOptionId, priceTypeId, ruleType); the most specific matching rule applies. All or nothing: any invalid item ' +
          'stores none. Unknown event 404 `EVENT_NOT_FOUND` (field `[i].externalReferenceEventId`); a scope naming no show, ticket option or price type of the ' +
          'event 400 `UNKNOWN_REFERENCE`; wrong settings 400 `INVALID_RULE`; the same scope twice in one request 400 `DUPLICATE_ID`; a cancelled event 409 `EVENT_CANCELLED`.',
        body: RulesBody,
        response: { 200: Ok(Type.Array(RuleView)), ...errorResponses(404, 409) },
      },
    }, async (req) => ok(await upsertRulesWithShield(deps, actorOf(req), req.body)));
  };
}
