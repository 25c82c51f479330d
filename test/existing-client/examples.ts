/**
 * The example bodies the two references publish, kept verbatim (values, keys and shapes as printed),
 * so the acceptance suite can send what an integrator copies from the docs. Each constant names the
 * page it came from. Where a page prints its JSON inside a cURL string with single quotes, the values
 * are transcribed as they are; nothing is added. Where no example is published, the constant says so
 * and is built from the reference's field list instead (marked `FROM_FIELD_LIST`).
 *
 * Sources read: menta's legacy guides (docs-en.mentatickets.com, mirrored on docs-en.mentatech.io),
 * its current guides (docs.mentatech.io/en/guides/*.md), the API reference summary
 * (/work/shared/spec/marketplace-api.md, which lists top-level fields only), and the purchase-intent
 * reference (/work/shared/spec/purchase-intents.txt; purchase-intents.openapi.json has no `example`
 * members at all, so the .txt is the only source of its examples).
 */

// ---------------------------------------------------------------------------------------------
// Marketplace family (menta)
// ---------------------------------------------------------------------------------------------

/**
 * POST /v1/events, "Event Standard" (docs-en.mentatickets.com, Integration fundamentals › Events;
 * the stored copy of the page carries no URL). The stored copy is cut inside `location`, after
 * `address` (the `country` key is visible, its value is not, and nothing after it): the body stops
 * at `address` rather than inventing the rest. Note what it does not carry: `configuration` (so no
 * currency there: the currency is only on the ticket options, ARS) and any `location.timeZone`.
 */
export const MENTA_EVENT_STANDARD = {
  title: 'The Lion King',
  description:
    "More than 60 million people from around the world have come to experience the excitement and discover the splendor of The Lion King's unique musical.",
  externalReferenceId: 'the-lion-king-broadway',
  shows: [
    {
      title: 'The Lion King in Broadway theatre',
      primarySalesUrl: 'https://yourplatform.com/event/the-lion-king-broadway/show/4726',
      status: 'LIVE',
      images: [
        {
          url: 'https://storage.googleapis.com/default_mentatickets-core/dd127bc9-1079-4bbc-9bab-c87acd27edb2_SOURCE.webp',
          kind: 'main',
        },
      ],
      showId: '4726',
      date: '2022-04-02T14:00:00.000-04:00',
      ticketOptions: [
        {
          title: 'Standard Seat',
          ticketId: '0001',
          description: 'Good view and good audio. At a distance of 40 to 60 meters from the stage.',
          price: 5500,
          currency: 'ARS',
        },
        {
          title: 'Premium Seat',
          ticketId: '0002',
          description: 'Located at the front of the theater, with an excellent view and premium audio.',
          price: 13800,
          currency: 'ARS',
        },
      ],
    },
  ],
  location: {
    city: 'New York City',
    state: 'New York',
    venueName: 'Broadway theatre',
    address: '200 W 45th Street',
  },
};

/**
 * The example values of the event's `location.country` and `configuration` members, from the table
 * of the "Events" data page (https://docs-en.mentatech.io/docs/Data/event), which describes the same
 * Broadway example (its city, state and address are those of MENTA_EVENT_STANDARD). No currency:
 * that page's configuration has none.
 */
export const MENTA_EVENT_DATA_PAGE_VALUES = {
  country: 'United States',
  configuration: {
    policy: 'OPTIONAL',
    instructions: 'Present the pickup code at the theater box office.',
    hoursBeforeShow: 168,
  },
};

/**
 * What the suite sends as menta's event example: the "Event Standard" body as stored, completed where
 * the stored copy is cut with menta's own example values for those members (the reference marks
 * `configuration` required, so the body cannot simply end where the copy does). Every value in it is
 * menta's; only the currency is left where the example puts it, on the ticket options.
 */
export const MENTA_EVENT_EXAMPLE = {
  ...MENTA_EVENT_STANDARD,
  location: { ...MENTA_EVENT_STANDARD.location, country: MENTA_EVENT_DATA_PAGE_VALUES.country },
  configuration: MENTA_EVENT_DATA_PAGE_VALUES.configuration,
};

/**
 * "Example of a Show" (https://docs-en.mentatech.io/docs/Data/show). No `status`, no `description`
 * (which that page's own table calls required): an existing client sends it like this.
 */
export const MENTA_SHOW_EXAMPLE = {
  title: 'Friday with Drake and Miley',
  primarySalesUrl: 'https://yourplatform.com/event/the-lion-king-broadway/show/472',
  images: [
    {
      url: 'https://storage.googleapis.com/default_mentatickets-core/dd127bc9-1079-4bbc-9bab-c87acd27edb2_SOURCE.webp',
      kind: 'main',
    },
  ],
  showId: 'drake-miley-123',
  date: '2022-04-02T14:00:00.000-04:00',
  ticketOptions: [
    {
      title: 'Standard Seat',
      ticketId: '0001',
      description: 'Good view and sound. Located 40 to 60 meters from the stage.',
      price: 5500,
      currency: 'ARS',
    },
    {
      title: 'Premium Seat',
      ticketId: '0002',
      description: 'Located at the front of the theater, with an excellent view and premium sound.',
      price: 13800,
      currency: 'ARS',
    },
  ],
};

/**
 * PUT /v1/events: "Event modification"
 * (https://docs-en.mentatech.io/en/docs/Integration%20fundamentals/Events/Event%20modification)
 * publishes no body: "resend us all the information of the event … replace the HTTP verb by PUT"
 * (`curl -X PUT https://api.mentatickets.com/v1/events --data-raw '{**EVENTDATA**}'`). The suite
 * sends MENTA_EVENT_STANDARD again, with MENTA_SHOW_EXAMPLE added to `shows`.
 */
export const MENTA_EVENT_MODIFICATION_NOTE = 'no published body: the whole event again, with PUT';

/**
 * POST /v1/tickets, "Standard" ticket emission (docs-en.mentatickets.com, Integration fundamentals ›
 * Tickets › Ticket Emission › Standard; the stored copy carries no URL).
 */
export const MENTA_TICKETS_STANDARD = [
  {
    ticketOptionId: '0001',
    showId: '4726',
    externalReferenceEventId: 'the-lion-king-broadway',
    buyer: 'buyer@emaildomain.com',
    ticketId: '111',
    ticketAccess: {
      type: 'URL',
      locator: 'https://storage.googleapis.com/default_mentatickets-core/Captura%20de%20pantalla%202023-03-21%20a%20la(s)%2010.46.42.png',
      status: 'LOCKED',
    },
  },
];

/**
 * POST /v1/tickets with the primary-sale buyer's data, "Buyer data"
 * (https://docs-en.mentatickets.com/docs/Integration%20fundamentals/Tickets/Ticket%20Emission/Buyer%20data).
 * The suite sends it to POST /v1/sync/tickets too: the reference gives both routes the same body,
 * and menta publishes no separate sync example.
 */
export const MENTA_TICKETS_BUYER_DATA = [
  {
    ticketOptionId: '0001',
    showId: '4726',
    externalReferenceEventId: 'the-lion-king-broadway',
    buyer: 'buyer@emaildomain.com',
    ticketId: '111',
    ticketAccess: {
      type: 'OTHER',
      locator: 'D02KWWKS029F',
    },
    primarySaleBuyerData: {
      firstName: 'Juan',
      lastName: 'Pérez',
      identificationType: 'DNI',
      identificationNumber: '12345678',
      phoneNumber: '+5491123456789',
    },
  },
];

/**
 * "Ticket modification"
 * (https://docs-en.mentatickets.com/docs/Integration%20fundamentals/Tickets/Ticket%20modification):
 * printed as `curl -X PUT https://api.mentatickets.com/v1/tickets` with this single object; the
 * reference now puts the id in the path (`PUT /v1/tickets/:ticketId`), where the suite sends it.
 */
export const MENTA_TICKET_MODIFICATION = {
  ticketOptionId: '0001',
  showId: '4726',
  externalReferenceEventId: 'the-lion-king-broadway',
  buyer: 'buyer@emaildomain.com',
  ticketId: '111',
  ticketAccess: {
    type: 'URL',
    locator: 'https://platform.com/images/qr-123.png',
  },
};

/**
 * Admission, "Event and Ticket Access information"
 * (https://docs-en.mentatickets.com/docs/TicketShield%20integration/Event%20and%20Ticket%20Access%20information).
 * Single: `POST /v1/tickets/${ticketId}/eventAdmission` with `Content-Type: application/json` and no
 * body; its published answer is MENTA_ADMISSION_REPLY. Batch: this body, same answer.
 */
export const MENTA_ADMISSION_BATCH = [
  { ticketId: 'TICKET_ID_1', entryDate: '2023-09-01T12:00:00Z' },
  { ticketId: 'TICKET_ID_2', entryDate: '2023-09-01T12:05:00Z' },
  { ticketId: 'TICKET_ID_3', entryDate: '2023-09-01T12:10:00Z' },
];
export const MENTA_ADMISSION_REPLY = { status: 200, data: true, errors: null };

/**
 * "Event cancellation" (docs-en.mentatickets.com, Integration fundamentals › Events; no URL in the
 * stored copy): `curl -XPOST …/v1/events/{eventId}/cancellation` and `…?showId={showId}`, no body
 * and no Content-Type. These are the paths, with the ids of MENTA_EVENT_STANDARD.
 */
export const MENTA_CANCELLATION_PATHS = [
  '/v1/events/the-lion-king-broadway/cancellation?showId=4726',
  '/v1/events/the-lion-king-broadway/cancellation',
];

/**
 * Buying flow with login trust, "Using Login Trust" (docs-en.mentatech.io, Additional resources; no
 * URL in the stored copy): the query as published. The legacy page predates `returnTo`, which the
 * current reference marks required (marketplace-api.md), so the suite adds one to it.
 */
export const MENTA_BUYING_FLOW_QUERY =
  'externalReferenceEventId=the-lion-king-broadway&showId=1124&loginTrust[withMethod]=email&loginTrust[user]=you_user_email@email.com';
/** The `returnTo` of the "Get URL for User's Ticket Section" example (https://docs-en.mentatech.io/en/docs/Aditional%20Resources/get-my-tickets-url). */
export const MENTA_RETURN_TO = 'https://your-platform.com/event/298392';

/**
 * POST /v1/marketplace/checkout/url, "Generate Checkout Link" (docs-en.mentatech.io; no URL in the
 * stored copy). The listing ids are menta's own; the suite puts its listings' ids in their place.
 */
export const MENTA_CHECKOUT_URL_BODY = { listingIds: ['66ec8bc4b23c85cd3cb3ccdc', '66edc93eb23c85cd3cb7bf33'] };

/**
 * FROM_FIELD_LIST: no example of GET /v1/marketplace/sellingflow/url/entrypoint, GET
 * /v1/auth/oneTimeToken, DELETE /v1/tickets/:ticketId or POST /v1/events/rules is published in the
 * pages read (the guides describe them, the reference lists their fields: marketplace-api.md). The
 * e-mail is the one menta's login-trust examples use.
 */
export const FROM_FIELD_LIST = {
  sellingFlowQuery: 'ticketId=111&lang=es',
  oneTimeTokenQuery: 'user=you_user_email@email.com&method=email',
  /** `externalReferenceEventId`, `ruleType` (required), `showId`, `rules` (reference), settings of SPEC §2. */
  rules: [{ externalReferenceEventId: 'the-lion-king-broadway', showId: '4726', ruleType: 'RESALE', rules: { enabled: true, maxPrice: 20000 } }],
};

/**
 * Webhooks: the envelope of the current guide (https://docs.mentatech.io/en/guides/webhooksIntro.md)
 * and its summary of actions: `action` is `<family>.<verb>`. Receivers switch on these strings.
 */
export const MENTA_WEBHOOK_ENVELOPE = { message: { family: '<event_family>', action: '<event_action>', type: '<event_subtype>', data: {} } };
export const MENTA_WEBHOOK_ACTIONS = [
  'listing.created',
  'listing.updated',
  'listing.deleted',
  'ticket.updated',
  'event.unlock',
  'notifyMe.created.updated',
  'payouts.delivered',
] as const;

// ---------------------------------------------------------------------------------------------
// Purchase-intent family (/work/shared/spec/purchase-intents.txt)
// ---------------------------------------------------------------------------------------------

/**
 * "Create a PurchaseIntent", the payload example of purchase-intents.txt, verbatim. Its values are
 * the reference's placeholders (`"string"`, 10.5): ids must name real objects, so the suite fills
 * the id placeholders only (see `withValues` in world.ts) and sends everything else as printed.
 */
export const PI_CREATE_EXAMPLE = {
  customerId: 'string',
  eventId: 'string',
  shopId: 'string',
  tickets: [
    {
      type: 'ticket',
      _id: 'string',
      name: 'string',
      amount: 1,
      netPrice: 10.5,
      price: 10.5,
      taxRate: 10.5,
      triggeredBy: 'string',
      bundleInfo: { bundleId: 'string', componentId: 'string', optionId: 'string' },
      ticketTypeId: 'string',
      categoryRef: 'string',
      seatingInfo: {
        _id: 'string',
        _type: 6,
        categoryId: 'string',
        statusId: 'string',
        name: 'string',
        seatType: 'handicapped',
        sectionName: 'string',
        groupName: 'string',
        rowName: 'string',
        seatName: 'string',
        gate: 'string',
      },
      asHardTicket: true,
      triggeredAutomations: true,
      meta: {},
    },
  ],
  products: [
    {
      type: 'product',
      _id: 'string',
      name: 'string',
      amount: 1,
      netPrice: 10.5,
      price: 10.5,
      taxRate: 10.5,
      triggeredBy: 'string',
      bundleInfo: { bundleId: 'string', componentId: 'string', optionId: 'string' },
      productVariantId: 'string',
      isFulfillable: true,
    },
  ],
  extraFields: {},
  seatingReservationToken: 'string',
  meta: {},
  strategyId: 'string',
  salesChannelId: 'string',
  coupons: ['string'],
  sendMail: true,
};

/** "Set approval status", the payload example of purchase-intents.txt, verbatim. */
export const PI_APPROVAL_EXAMPLE = { approvalStatus: 'awaiting', rejectionReason: 'string' };

/**
 * "Create PurchaseIntent Strategies", the payload example of purchase-intents.txt, verbatim. Its
 * `deposit.method` is the placeholder `"string"`; SPEC §7 allows `fixed` or `percentage`, so the
 * suite fills that one placeholder.
 */
export const PI_STRATEGY_EXAMPLE = {
  name: 'string',
  availabilityStrategy: { createTickets: true, checkAvailability: true, createValidTickets: true },
  expirationStrategy: { hoursBeforeEvent: 10.5, hoursAfterCreation: 10.5, expiresAt: '2030-01-23T23:00:00.123Z' },
  needsApproval: true,
  deposit: { method: 'string', value: 10.5 },
  restrictedCompletion: ['POS'],
  cancellationStrategy: 'cancellationAllowed',
};

/** "Update a PurchaseIntent Strategy": the same payload as create in purchase-intents.txt. */
export const PI_STRATEGY_UPDATE_EXAMPLE = PI_STRATEGY_EXAMPLE;
