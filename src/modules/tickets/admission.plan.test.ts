import { describe, expect, it } from 'vitest';
import { ADMISSIBLE, planAdmissions, type Scan, type TicketState } from './admission.plan.js';

const at = (s: string) => new Date(`2027-06-01T${s}Z`);
const ticket = (ticketId: string, over: Partial<TicketState> = {}): [string, TicketState] => [
  ticketId,
  { ticketId, status: 'VALID', statusReason: null, accessLocator: `code-${ticketId}`, admission: null, ...over },
];
const scan = (ticketId: string, time: string | undefined, locator?: string): Scan => ({ ticketId, entryDate: time === undefined ? undefined : at(time), locator });
const kinds = (outcomes: ReturnType<typeof planAdmissions>['outcomes']) => outcomes.map((o) => (o.kind === 'refused' ? o.refusal.code : o.kind));

describe('planAdmissions', () => {
  it('admits from the states the ticket state machine allows (VALID, LISTED)', () => {
    expect([...ADMISSIBLE].sort()).toEqual(['LISTED', 'VALID']);
  });

  it('decides scans in order, as separate requests would be decided', () => {
    const tickets = new Map([ticket('A'), ticket('B'), ticket('C', { admission: { entryDate: at('18:00:00') }, status: 'USED' })]);
    const plan = planAdmissions(
      [scan('A', '19:00:00'), scan('A', '19:00:00'), scan('A', '19:05:00'), scan('B', '19:01:00'), scan('C', '18:00:00'), scan('C', '19:00:00')],
      tickets,
    );
    expect(kinds(plan.outcomes)).toEqual(['admitted', 'repeat', 'ALREADY_ADMITTED', 'admitted', 'repeat', 'ALREADY_ADMITTED']);
    expect(plan.candidates.map((c) => [c.ticketId, c.scan, c.entryDate.toISOString()])).toEqual([
      ['A', 0, '2027-06-01T19:00:00.000Z'],
      ['B', 3, '2027-06-01T19:01:00.000Z'],
    ]);
    const already = plan.outcomes[5];
    expect(already?.kind === 'refused' && already.refusal.details).toEqual({ ticketId: 'C', firstEntryDate: '2027-06-01T18:00:00.000Z' });
  });

  it('lets a later scan admit a ticket when an earlier scan of it was refused', () => {
    const plan = planAdmissions([scan('A', '19:00:00', 'forged'), scan('A', '19:00:10', 'code-A')], new Map([ticket('A')]));
    expect(kinds(plan.outcomes)).toEqual(['ACCESS_CODE_MISMATCH', 'admitted']);
    expect(plan.candidates).toEqual([{ scan: 1, ticketId: 'A', entryDate: at('19:00:10'), locator: 'code-A', from: 'VALID' }]);
  });

  it('checks the date first, then existence, then the code, then the admission, then the status', () => {
    const tickets = new Map([ticket('D', { status: 'DELETED' }), ticket('U', { status: 'USED', admission: { entryDate: at('18:00:00') } })]);
    expect(kinds(planAdmissions([scan('nope', undefined)], tickets).outcomes)).toEqual(['INVALID_DATE']);
    expect(kinds(planAdmissions([scan('nope', '19:00:00', 'x')], tickets).outcomes)).toEqual(['TICKET_NOT_FOUND']);
    expect(kinds(planAdmissions([scan('D', '19:00:00', 'wrong')], tickets).outcomes)).toEqual(['ACCESS_CODE_MISMATCH']);
    expect(kinds(planAdmissions([scan('D', '19:00:00')], tickets).outcomes)).toEqual(['TICKET_DELETED']);
    // A wrong code is refused even when the entry time matches the recorded admission.
    expect(kinds(planAdmissions([scan('U', '18:00:00', 'wrong')], tickets).outcomes)).toEqual(['ACCESS_CODE_MISMATCH']);
    expect(kinds(planAdmissions([scan('U', '18:00:00', 'code-U')], tickets).outcomes)).toEqual(['repeat']);
  });

  it('refuses every status that cannot become USED, with its reason', () => {
    const tickets = new Map([
      ticket('C', { status: 'CANCELLED', statusReason: 'show cancelled' }),
      ticket('R', { status: 'RESERVED' }),
      ticket('I', { status: 'INVALID' }),
      ticket('U', { status: 'USED' }),
    ]);
    const plan = planAdmissions(['C', 'R', 'I', 'U'].map((id) => scan(id, '19:00:00')), tickets);
    expect(kinds(plan.outcomes)).toEqual(['TICKET_CANCELLED', 'TICKET_NOT_ADMISSIBLE', 'TICKET_NOT_ADMISSIBLE', 'ALREADY_ADMITTED']);
    const cancelled = plan.outcomes[0];
    expect(cancelled?.kind === 'refused' && cancelled.refusal).toMatchObject({ field: 'ticketId', details: { ticketId: 'C', statusReason: 'show cancelled' } });
    expect(plan.candidates).toEqual([]);
  });

  it('reports the recording scan as admitted when the plan is made again after the write', () => {
    const tickets = new Map([ticket('A', { status: 'USED', admission: { entryDate: at('19:00:00'), byScan: 1 } })]);
    const plan = planAdmissions([scan('A', '19:00:00'), scan('A', '19:00:00')], tickets);
    expect(kinds(plan.outcomes)).toEqual(['repeat', 'admitted']);
    expect(plan.candidates).toEqual([]);
  });

  it('sorts the candidates by ticketId (the row-lock order)', () => {
    const tickets = new Map([ticket('b'), ticket('a'), ticket('c')]);
    const plan = planAdmissions([scan('c', '19:00:00'), scan('a', '19:00:00'), scan('b', '19:00:00')], tickets);
    expect(plan.candidates.map((c) => c.ticketId)).toEqual(['a', 'b', 'c']);
    expect(plan.outcomes.map((o) => o.ticketId)).toEqual(['c', 'a', 'b']);
  });
});
