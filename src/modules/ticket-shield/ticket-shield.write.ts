import type { EventRecord, ShowRecord } from '../events/index.js';
import { hasShieldRules, shieldUnlockAt } from './ticket-shield.rules.js';

/**
 * The write-time side of TICKET_SHIELD (ADR 0009): every ticket writer (sync and async ingestion,
 * the command-line import, PUT) passes each normalised ticket through `apply` before storing it.
 *
 * Why the tickets module imports this, and not the other way round: the writers need the verdict
 * inside their own transaction, per ticket, on rules they already loaded. So this module holds the
 * pure evaluation and depends on events only; the shield's cross-module work (re-shielding existing
 * tickets after a rule change, the unlock sweep) lives in flows/ticket-shield.ts, which drives the
 * tickets module's bulk access statements. ticket-shield therefore never imports tickets.
 */

/** What the override reads and may change on a ticket about to be written (tickets' NormalizedTicket). */
export interface ShieldedTicket {
  accessStatus: 'LOCKED' | 'UNLOCKED';
  accessUnlockAt: Date | null;
  ticketOptionId: string;
  priceTypeId: string | null;
}

/** Where the ticket sits: its event (with the rules) and show, as the writer's catalogue resolved them. */
export interface ShieldPlace {
  event: Pick<EventRecord, 'id' | 'rules'>;
  show: Pick<ShowRecord, 'id' | 'showId' | 'startsAt'>;
}

/**
 * Per batch of written tickets: forces LOCKED (and records when it opens) on tickets an enabled
 * shield still holds at `now`. The event's rules come with the catalogue the batch already loaded,
 * and the verdict is memoised per (show, option, price type), so a batch of any size costs no
 * query and a few map look-ups per ticket. The content hash was computed before, on what the
 * integrator sent, so an identical re-send stays UNCHANGED whether or not the shield holds.
 */
export class AccessShield {
  private readonly verdicts = new Map<string, Date | null>();
  private readonly shielded = new Map<string, boolean>();

  constructor(private readonly now: Date) {}

  apply(ticket: ShieldedTicket, { event, show }: ShieldPlace): void {
    // A code the integrator itself sent LOCKED stays theirs to open: the shield never marks it.
    if (ticket.accessStatus !== 'UNLOCKED') return;
    let any = this.shielded.get(event.id);
    if (any === undefined) this.shielded.set(event.id, (any = hasShieldRules(event.rules)));
    if (!any) return;
    const key = `${show.id}\u0000${ticket.ticketOptionId}\u0000${ticket.priceTypeId ?? '\u0001'}`;
    let unlockAt = this.verdicts.get(key);
    if (unlockAt === undefined) this.verdicts.set(key, (unlockAt = shieldUnlockAt(event.rules, show, ticket.ticketOptionId, ticket.priceTypeId)));
    if (unlockAt !== null && this.now < unlockAt) {
      ticket.accessStatus = 'LOCKED';
      ticket.accessUnlockAt = unlockAt;
    }
  }
}
