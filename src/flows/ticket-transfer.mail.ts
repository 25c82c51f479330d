import type { Lang } from '../lib/urls.js';

/**
 * The two mails of a transfer (SPEC §4.1 item 8), in the sender's page language: the receiver is
 * told who gave them which ticket for which show, and that the integrator sends the new code; the
 * sender keeps a copy that says where the ticket went (and whom to ask if it was not them). Plain
 * text, like every mail of the outbox.
 */

export interface TransferMailFacts {
  tenantName: string;
  fromEmail: string;
  toEmail: string;
  toName: string | undefined;
  eventName: string;
  showTitle: string | null;
  showStartsAt: Date;
  /** IANA zone of the event; UTC without one. */
  timeZone: string | null;
  ticketOptionName: string;
  seat: { row?: string; seat?: string; section?: string; door?: string } | null;
  ticketId: string;
  myTicketsUrl: string;
}

export interface MailText {
  subject: string;
  text: string;
}

const LOCALE: Record<Lang, string> = { es: 'es-ES', en: 'en-GB' };

/** The show's start in the event's own zone, with the zone named (a fan abroad reads local time). */
export function showDate(at: Date, timeZone: string | null, lang: Lang): string {
  const zone = timeZone ?? 'UTC';
  try {
    return `${new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'full', timeStyle: 'short', timeZone: zone }).format(at)} (${zone})`;
  } catch {
    // A zone this runtime does not know: UTC, said so, rather than no mail at all.
    return `${new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(at)} (UTC)`;
  }
}

const SEAT_WORDS: Record<Lang, Record<'section' | 'row' | 'seat' | 'door', string>> = {
  es: { section: 'Sector', row: 'Fila', seat: 'Asiento', door: 'Puerta' },
  en: { section: 'Section', row: 'Row', seat: 'Seat', door: 'Door' },
};

export function seatText(seat: TransferMailFacts['seat'], lang: Lang): string | undefined {
  if (!seat) return undefined;
  const parts = (['section', 'row', 'seat', 'door'] as const).filter((k) => seat[k] !== undefined).map((k) => `${SEAT_WORDS[lang][k]} ${seat[k]}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function ticketLines(f: TransferMailFacts, lang: Lang): string {
  const seat = seatText(f.seat, lang);
  const show = [f.showTitle, showDate(f.showStartsAt, f.timeZone, lang)].filter(Boolean).join(' — ');
  const rows =
    lang === 'es'
      ? [`Evento: ${f.eventName}`, `Función: ${show}`, `Entrada: ${f.ticketOptionName}${seat ? ` (${seat})` : ''}`, `Referencia: ${f.ticketId}`]
      : [`Event: ${f.eventName}`, `Show: ${show}`, `Ticket: ${f.ticketOptionName}${seat ? ` (${seat})` : ''}`, `Reference: ${f.ticketId}`];
  return rows.join('\n');
}

export function receiverMail(f: TransferMailFacts, lang: Lang): MailText {
  const greeting = f.toName ? (lang === 'es' ? `Hola, ${f.toName}:\n\n` : `Hello ${f.toName},\n\n`) : '';
  if (lang === 'es') {
    return {
      subject: `${f.fromEmail} te ha enviado una entrada para ${f.eventName}`,
      text:
        `${greeting}${f.fromEmail} te ha transferido una entrada:\n\n${ticketLines(f, lang)}\n\n` +
        `La entrada ya es tuya. ${f.tenantName} te enviará su nuevo código de acceso; el código que tenía antes ya no sirve.\n\n` +
        `Tus entradas: ${f.myTicketsUrl}`,
    };
  }
  return {
    subject: `${f.fromEmail} sent you a ticket for ${f.eventName}`,
    text:
      `${greeting}${f.fromEmail} has transferred a ticket to you:\n\n${ticketLines(f, lang)}\n\n` +
      `The ticket is now yours. ${f.tenantName} will send you its new access code; the code it had before no longer works.\n\n` +
      `Your tickets: ${f.myTicketsUrl}`,
  };
}

export function senderMail(f: TransferMailFacts, lang: Lang): MailText {
  const to = f.toName ? `${f.toName} <${f.toEmail}>` : f.toEmail;
  if (lang === 'es') {
    return {
      subject: `Has transferido tu entrada para ${f.eventName} a ${f.toEmail}`,
      text:
        `Has transferido esta entrada a ${to}:\n\n${ticketLines(f, lang)}\n\n` +
        `Ya no es tuya, y su código de acceso anterior ya no sirve. Si no has sido tú, contacta con ${f.tenantName}.`,
    };
  }
  return {
    subject: `You transferred your ticket for ${f.eventName} to ${f.toEmail}`,
    text:
      `You transferred this ticket to ${to}:\n\n${ticketLines(f, lang)}\n\n` +
      `It is no longer yours, and its previous access code no longer works. If this was not you, contact ${f.tenantName}.`,
  };
}
