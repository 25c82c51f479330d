import { formatMoney } from '../../lib/money.js';
import type { Lang } from '../../lib/urls.js';

/**
 * The Smart Access Layer's buy mode (SPEC §6) as one decision table, a pure function of what the
 * integrator's page needs to show for one show:
 *
 * | resale           | listings | sold out | components                                                     |
 * |------------------|----------|----------|----------------------------------------------------------------|
 * | closed / not open| any      | any      | banner (hidden) saying why and until / from when              |
 * | open             | none     | no       | "Notify me" button                                            |
 * | open             | none     | yes      | "Sold out — official resale" banner + "Notify me" button       |
 * | open             | some     | no       | "Resale from {min}" button (badge) + modal + list (+ map)      |
 * | open             | some     | yes      | sold-out banner + the same button, modal, list (+ map)         |
 *
 * Sold out = the integrator's inventory says `soldOut`, or `soldPercentage` ≥ 90. The list has one
 * item per ticket option and price type with listings (count, lowest and highest all-in price, face
 * value of that option and price type); the map
 * appears when the event has a seating map with zones. `details: false` (the bulk call) keeps buttons,
 * banners and modals only. Texts in `lang`; colours from the tenant's theme.
 */

export type ComponentType = 'button' | 'banner' | 'modal' | 'list' | 'map';

export interface Colors {
  background: string;
  text: string;
  accent: string;
}

export interface Component {
  id: string;
  type: ComponentType;
  class: 'buy' | 'sell';
  visible: boolean;
  order: number;
  title: string;
  description: string;
  image?: string;
  colors: Colors;
  cta?: { label: string; url: string };
  badge?: string;
  trigger?: string;
  body?: string;
  reason?: string;
  availableFrom?: string;
  availableUntil?: string;
  items?: ListItem[];
  zones?: MapZone[];
}

export interface ListItem {
  ticketOptionId: string;
  priceTypeId?: string;
  title: string;
  listingsCount: number;
  minPrice: number;
  maxPrice: number;
  currency: string;
  faceValue: number;
  url: string;
}

export interface MapZone {
  zoneId: string;
  name: string;
  ticketOptionIds: string[];
  listingsCount: number;
  minPrice: number | null;
  currency: string;
  url: string;
}

export type ResaleState =
  | { open: true }
  | { open: false; reason: 'RESALE_DISABLED' | 'WINDOW_NOT_OPEN' | 'WINDOW_CLOSED' | 'EVENT_CANCELLED'; availableFrom?: Date };

export interface BuyInput {
  lang: Lang;
  colors: Colors;
  logoUrl: string | null;
  resale: ResaleState;
  soldOut: boolean;
  currency: string;
  /** The show's ticket options with their market (listingsCount 0: none on sale). */
  options: {
    ticketOptionId: string;
    title: string;
    faceValue: number;
    listingsCount: number;
    minTotal: number | null;
    maxTotal: number | null;
    url: string;
    /** The option's listings per price type (null: listed without one), each a list item; absent: the option is one item. */
    byPriceType?: { priceTypeId: string | null; title: string; faceValue: number; listingsCount: number; minTotal: number; maxTotal: number }[];
  }[];
  map: { image: string; zones: { zoneId: string; name: string; ticketOptionIds: string[] }[] } | null;
  buyUrl: string;
  notifyUrl: string;
  details: boolean;
}

const TEXT = {
  en: {
    closed: { RESALE_DISABLED: 'Resale is not available for this show.', WINDOW_NOT_OPEN: 'Resale opens on {date}.', WINDOW_CLOSED: 'Resale for this show has closed.', EVENT_CANCELLED: 'This show was cancelled.' },
    closedTitle: 'Official resale',
    notifyTitle: 'Notify me',
    notifyDescription: 'No resale tickets right now. We will tell you when one is listed.',
    fromTitle: 'Resale from {price}',
    fromDescription: '{count} tickets on the official resale, each with a fresh, guaranteed code.',
    badge: 'from {price}',
    buy: 'See tickets',
    modalTitle: 'Official resale',
    modalBody: '{count} tickets from {min} to {max}. Every ticket is reissued to you: no risk of a dead barcode.',
    listTitle: 'Tickets on resale',
    mapTitle: 'Choose a zone',
    soldOutTitle: 'Sold out — official resale',
    soldOutDescription: 'This show is sold out. Fans resell their tickets here, safely.',
  },
  es: {
    closed: { RESALE_DISABLED: 'La reventa no está disponible para esta función.', WINDOW_NOT_OPEN: 'La reventa abre el {date}.', WINDOW_CLOSED: 'La reventa de esta función ha cerrado.', EVENT_CANCELLED: 'Esta función ha sido cancelada.' },
    closedTitle: 'Reventa oficial',
    notifyTitle: 'Avísame',
    notifyDescription: 'Ahora no hay entradas en reventa. Te avisaremos cuando haya una.',
    fromTitle: 'Reventa desde {price}',
    fromDescription: '{count} entradas en la reventa oficial, cada una con un código nuevo y garantizado.',
    badge: 'desde {price}',
    buy: 'Ver entradas',
    modalTitle: 'Reventa oficial',
    modalBody: '{count} entradas de {min} a {max}. Cada entrada se vuelve a emitir a tu nombre: sin riesgo de código anulado.',
    listTitle: 'Entradas en reventa',
    mapTitle: 'Elige una zona',
    soldOutTitle: 'Agotado — reventa oficial',
    soldOutDescription: 'Esta función está agotada. Los fans revenden aquí sus entradas, con seguridad.',
  },
} as const;

/** Built once: an Intl formatter costs far more to build than to use. */
const DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  es: new Intl.DateTimeFormat('es-ES', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }),
};

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
}

export function buyComponents(input: BuyInput): Component[] {
  const t = TEXT[input.lang];
  const base = { class: 'buy' as const, colors: input.colors, ...(input.logoUrl ? { image: input.logoUrl } : {}) };
  if (!input.resale.open) {
    const from = input.resale.availableFrom;
    const date = from ? `${DATE_FORMATS[input.lang].format(from)} UTC` : '';
    return [
      {
        ...base,
        id: 'resale-closed',
        type: 'banner',
        visible: false,
        order: 1,
        title: t.closedTitle,
        description: fill(t.closed[input.resale.reason], { date }),
        reason: input.resale.reason,
        ...(from ? { availableFrom: from.toISOString() } : {}),
      },
    ];
  }
  const out: Component[] = [];
  let order = 1;
  if (input.soldOut) out.push({ ...base, id: 'sold-out', type: 'banner', visible: true, order: order++, title: t.soldOutTitle, description: t.soldOutDescription });
  const onSale = input.options.filter((o) => o.listingsCount > 0 && o.minTotal !== null && o.maxTotal !== null);
  if (onSale.length === 0) {
    out.push({ ...base, id: 'notify-me', type: 'button', visible: true, order: order++, title: t.notifyTitle, description: t.notifyDescription, cta: { label: t.notifyTitle, url: input.notifyUrl } });
    return out;
  }
  const count = onSale.reduce((n, o) => n + o.listingsCount, 0);
  const min = Math.min(...onSale.map((o) => o.minTotal!));
  const max = Math.max(...onSale.map((o) => o.maxTotal!));
  const money = (v: number) => formatMoney(v, input.currency, input.lang);
  out.push({
    ...base,
    id: 'resale-button',
    type: 'button',
    visible: true,
    order: order++,
    title: fill(t.fromTitle, { price: money(min) }),
    description: fill(t.fromDescription, { count }),
    badge: fill(t.badge, { price: money(min) }),
    cta: { label: t.buy, url: input.buyUrl },
  });
  out.push({ ...base, id: 'resale-modal', type: 'modal', visible: false, order: order++, title: t.modalTitle, description: t.modalTitle, trigger: 'resale-button', body: fill(t.modalBody, { count, min: money(min), max: money(max) }), cta: { label: t.buy, url: input.buyUrl } });
  if (!input.details) return out;
  out.push({
    ...base,
    id: 'resale-list',
    type: 'list',
    visible: true,
    order: order++,
    title: t.listTitle,
    description: fill(t.fromDescription, { count }),
    items: onSale.flatMap((o): ListItem[] =>
      o.byPriceType && o.byPriceType.length > 0
        ? o.byPriceType.map((p) => ({
            ticketOptionId: o.ticketOptionId,
            ...(p.priceTypeId !== null ? { priceTypeId: p.priceTypeId } : {}),
            title: p.title,
            listingsCount: p.listingsCount,
            minPrice: p.minTotal,
            maxPrice: p.maxTotal,
            currency: input.currency,
            faceValue: p.faceValue,
            url: o.url,
          }))
        : [{ ticketOptionId: o.ticketOptionId, title: o.title, listingsCount: o.listingsCount, minPrice: o.minTotal!, maxPrice: o.maxTotal!, currency: input.currency, faceValue: o.faceValue, url: o.url }],
    ),
  });
  if (input.map && input.map.zones.length > 0) {
    const byOption = new Map(input.options.map((o) => [o.ticketOptionId, o]));
    out.push({
      ...base,
      id: 'resale-map',
      type: 'map',
      visible: true,
      order: order++,
      title: t.mapTitle,
      description: t.listTitle,
      image: input.map.image,
      zones: input.map.zones.map((z) => {
        const opts = z.ticketOptionIds.map((id) => byOption.get(id)).filter((o): o is NonNullable<typeof o> => o !== undefined && o.listingsCount > 0 && o.minTotal !== null);
        return {
          zoneId: z.zoneId,
          name: z.name,
          ticketOptionIds: z.ticketOptionIds,
          listingsCount: opts.reduce((n, o) => n + o.listingsCount, 0),
          minPrice: opts.length > 0 ? Math.min(...opts.map((o) => o.minTotal!)) : null,
          currency: input.currency,
          url: opts[0]?.url ?? input.buyUrl,
        };
      }),
    });
  }
  return out;
}

/** Sold out as the integrator reports it: `soldOut`, or at least 90 % sold. */
export function isSoldOut(inventory: { soldOut: boolean | null; soldPercentage: number | null } | undefined): boolean {
  return inventory !== undefined && (inventory.soldOut === true || (inventory.soldPercentage !== null && inventory.soldPercentage >= 90));
}

const SELL_TEXT = {
  en: { title: 'Can’t make it? Resell your ticket', description: 'List it on the official resale: the buyer gets a new code and you get paid after the show.', cta: 'Sell my ticket', closed: 'Resale is closed for this show.' },
  es: { title: '¿No puedes ir? Revende tu entrada', description: 'Ponla en la reventa oficial: quien la compra recibe un código nuevo y tú cobras después de la función.', cta: 'Vender mi entrada', closed: 'La reventa de esta función está cerrada.' },
} as const;

/** `type=sell` for a show: one sell banner, shown while resale is open, hidden with the reason otherwise. */
export function sellBanner(input: Pick<BuyInput, 'lang' | 'colors' | 'logoUrl' | 'resale'> & { sellUrl: string }): Component[] {
  const t = SELL_TEXT[input.lang];
  const base = { id: 'sell-banner', type: 'banner' as const, class: 'sell' as const, order: 1, colors: input.colors, ...(input.logoUrl ? { image: input.logoUrl } : {}) };
  if (!input.resale.open) {
    return [{ ...base, visible: false, title: t.title, description: t.closed, reason: input.resale.reason, ...(input.resale.availableFrom ? { availableFrom: input.resale.availableFrom.toISOString() } : {}) }];
  }
  return [{ ...base, visible: true, title: t.title, description: t.description, cta: { label: t.cta, url: input.sellUrl } }];
}
