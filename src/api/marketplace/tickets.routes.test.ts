import { beforeAll, describe, expect, it } from 'vitest';
import { marketplaceClient, type Client, type Envelope } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';

/**
 * An id of exactly `length` characters (code points, as the schemas count them) that needs
 * percent-encoding in a path: non-ASCII letters, an emoji, and `/ ? # % +` and a space.
 */
function longId(tag: string, length = 200): string {
  const head = `${tag}-évènement/ñ?#%+ 日本🎫-`;
  const chars = Array.from(head);
  while (chars.length < length) chars.push(String.fromCharCode(97 + (chars.length % 26)));
  return chars.slice(0, length).join('');
}

const path = (id: string) => encodeURIComponent(id);

describe('ids of up to 200 characters, in bodies and in paths alike', () => {
  const ctx = useContext();
  let client: Client<Envelope>;
  let tenantId: string;
  const eventId = longId('event');
  const showId = longId('show');
  const optionId = longId('option');
  const admittedId = longId('ticket-a');
  const deletedId = longId('ticket-d');

  beforeAll(async () => {
    const tenant = await ctx.createTenant('long-ids');
    tenantId = tenant.tenantId;
    client = marketplaceClient(ctx, tenant.apiKey);
  });

  it('has ids of exactly 200 characters that percent-encode to far longer paths', () => {
    for (const id of [eventId, showId, optionId, admittedId, deletedId]) expect(Array.from(id)).toHaveLength(200);
    expect(path(admittedId).length).toBeGreaterThan(250);
  });

  it('creates the event and its tickets, and reads the event back by its id in the path', async () => {
    const created = await client.post('/v1/events', {
      externalReferenceId: eventId,
      title: 'Long ids',
      description: 'Every id as long as the schema allows',
      location: { venueName: 'Sala' },
      configuration: { currency: 'EUR' },
      shows: [{ showId, date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: optionId, title: 'General', price: 30 }] }],
    });
    expect(created.status).toBe(200);

    const read = await client.get(`/v1/events/${path(eventId)}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ externalReferenceId: eventId, shows: [{ showId, ticketOptions: [{ ticketId: optionId }] }] });

    const tickets = [admittedId, deletedId].map((ticketId, i) => ({
      externalReferenceEventId: eventId,
      showId,
      ticketOptionId: optionId,
      ticketId,
      orderId: longId('order'),
      buyer: `fan-${i}@fans.example`,
      ticketAccess: { type: 'API', locator: `QR-${i}` },
    }));
    const sync = await client.post('/v1/sync/tickets', tickets);
    expect(sync.status).toBe(200);
    expect(sync.body.data).toEqual([
      { ticketId: admittedId, status: 'CREATED' },
      { ticketId: deletedId, status: 'CREATED' },
    ]);
  });

  it('GET, PUT, admission and DELETE all take the id in the path', async () => {
    const got = await client.get(`/v1/tickets/${path(admittedId)}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ ticketId: admittedId, externalReferenceEventId: eventId, showId, ticketOptionId: optionId });

    const put = await client.put(`/v1/tickets/${path(admittedId)}`, { tags: ['gate:north'] });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject({ ticketId: admittedId, tags: ['gate:north'] });

    const admitted = await client.post(`/v1/tickets/${path(admittedId)}/eventAdmission`, { locator: 'QR-0' });
    expect(admitted.status).toBe(200);
    expect(admitted.body).toEqual({ status: 200, data: true, errors: null });
    expect((await client.get(`/v1/tickets/${path(admittedId)}`)).body.data).toMatchObject({ status: 'USED', admission: { locator: 'QR-0' } });

    // No body, with the Content-Type clients send on every call.
    const deleted = await client.delete(`/v1/tickets/${path(deletedId)}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toMatchObject({ ticketId: deletedId, status: 'DELETED' });

    const rows = await ctx.deps.db.selectFrom('tickets').select(['ticket_id', 'status']).where('tenant_id', '=', tenantId).orderBy('status').execute();
    expect(rows).toEqual([
      { ticket_id: deletedId, status: 'DELETED' },
      { ticket_id: admittedId, status: 'USED' },
    ]);
  });

  it('refuses 201 characters in a body (400 naming the field) and in a path (400, not 414)', async () => {
    const tooLong = longId('ticket-x', 201);
    const sync = await client.post('/v1/sync/tickets', [
      { externalReferenceEventId: eventId, showId, ticketOptionId: optionId, ticketId: tooLong, buyer: 'x@fans.example', ticketAccess: { type: 'API', locator: 'QR-x' } },
    ]);
    expect(sync.status).toBe(400);
    expect(sync.body.errors![0]).toMatchObject({ code: 'VALIDATION_ERROR', field: '[0].ticketId' });
    const get = await client.get(`/v1/tickets/${path(tooLong)}`);
    expect(get.status).toBe(400);
    expect(get.body.errors![0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'ticketId' });
  });
});
