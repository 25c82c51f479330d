import { Type, type Static } from '@sinclair/typebox';

/** Upper bounds only keep hostile input cheap; real ids and codes are far shorter. */
const TicketId = Type.String({ minLength: 1, maxLength: 1000, description: 'your ticketId (tickets are created with at most 200 characters)' });
const ENTRY_DATE = 'when the ticket was scanned: ISO 8601 with an offset (`2027-07-01T19:42:10.250+02:00`), else `INVALID_DATE`';
const entryDate = (description: string) => Type.String({ minLength: 1, maxLength: 64, description, examples: ['2027-07-01T19:42:10Z'] });
const Locator = Type.String({
  minLength: 1,
  maxLength: 4096,
  description: "the access code the scanner read; when given it must be the ticket's current `ticketAccess.locator` (409 `ACCESS_CODE_MISMATCH`; `ACCESS_CODE_SUPERSEDED` for a code a resale replaced)",
});

export const AdmissionParams = Type.Object({ ticketId: TicketId });

export const AdmissionBody = Type.Object(
  {
    entryDate: Type.Optional(entryDate(`${ENTRY_DATE}. Default: now.`)),
    locator: Type.Optional(Locator),
  },
  { additionalProperties: false, description: 'Optional: no body (or `{}`) admits the ticket now, without checking the code.' },
);
export type AdmissionBody = Static<typeof AdmissionBody>;

/** As the reference answers: `data: true`, for a repeat too; the admission itself is read with GET /v1/tickets/{ticketId}. */
export const AdmissionAnswer = Type.Literal(true, { description: 'the ticket is admitted (now, or by the scan this one repeats)' });

export const MAX_BATCH = 10_000;

export const BatchAdmissionBody = Type.Array(
  Type.Object(
    {
      ticketId: TicketId,
      entryDate: entryDate(ENTRY_DATE),
      locator: Type.Optional(Locator),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: MAX_BATCH, description: `1 to ${MAX_BATCH.toLocaleString('en-US')} scans` },
);
export type BatchAdmissionBody = Static<typeof BatchAdmissionBody>;

const TicketError = Type.Object({
  code: Type.String({
    description:
      'TICKET_NOT_FOUND, INVALID_DATE, ACCESS_CODE_MISMATCH, ACCESS_CODE_SUPERSEDED, ALREADY_ADMITTED, TICKET_DELETED, TICKET_CANCELLED or TICKET_NOT_ADMISSIBLE',
  }),
  message: Type.String(),
  field: Type.String({ description: 'the entry and its field: `[3].ticketId`, `[3].entryDate`, `[3].locator`' }),
  details: Type.Record(Type.String(), Type.Unknown(), { description: '`ticketId` always; `firstEntryDate`, `status`, `statusReason` where they apply' }),
});

/** Not the plain Ok envelope: a partly refused batch is still a 200, with `data: false` and one error per refused scan. */
export const BatchAdmissionReply = Type.Object({
  status: Type.Integer({ examples: [200] }),
  data: Type.Boolean({ description: 'true when every scan was recorded (or was a repeat of a recorded scan)' }),
  errors: Type.Union([Type.Null(), Type.Array(TicketError)]),
});
