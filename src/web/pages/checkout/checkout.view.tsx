import type { CheckoutLine, CheckoutPageData, CheckoutState, PayField, PayFieldError } from '../../../flows/checkout-page.js';
import type { ExtensionRefusal } from '../../../flows/checkout-extension.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import { checkoutMessages } from './checkout.messages.js';

type M = (typeof checkoutMessages)['en'];

/** What the extension POST said, shown once after its redirect. */
export type ExtensionNotice = 'ok' | ExtensionRefusal;

/** The form as the fan sent it (never the card number or CVC), its field errors, and a card-level alert. */
export interface PayFormState {
  values: { buyerEmail?: string | undefined; holderFirstName?: string | undefined; holderLastName?: string | undefined; expiry?: string | undefined };
  errors: Partial<Record<PayField, PayFieldError>>;
  alert?: 'declined' | 'failed' | undefined;
}

export interface CheckoutPageProps {
  ctx: PageContext;
  data: CheckoutPageData;
  secret: string;
  notice: ExtensionNotice | null;
  form?: PayFormState | undefined;
}

const TITLES: Record<CheckoutState, keyof M> = {
  PENDING: 'titlePending',
  EXPIRED: 'titleExpired',
  GONE: 'titleGone',
  PROCESSING: 'titleProcessing',
  PAID: 'titlePaid',
  REFUNDED: 'titleRefunded',
  CANCELLED: 'titleCancelled',
};

function errorText(m: M, e: PayFieldError): string {
  switch (e) {
    case 'INVALID_EMAIL':
      return m.invalidEmail;
    case 'OWN_LISTING':
      return m.ownListing;
    case 'FIRST_NAME_REQUIRED':
      return m.firstNameRequired;
    case 'LAST_NAME_REQUIRED':
      return m.lastNameRequired;
    case 'INVALID_CARD':
      return m.invalidCard;
    case 'INVALID_EXPIRY':
      return m.invalidExpiry;
    case 'EXPIRED_CARD':
      return m.expiredCard;
    case 'INVALID_CVC':
      return m.invalidCvc;
  }
}

function seatText(m: M, s: NonNullable<CheckoutLine['listing']>['seats'][number]): string {
  const parts = [s.section && m.section(s.section), s.row && m.row(s.row), s.seat && m.seat(s.seat), s.door && m.door(s.door)].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' · ') : m.noSeat;
}

function Summary({ ctx, data, m }: { ctx: PageContext; data: CheckoutPageData; m: M }) {
  const i = data.intention;
  const money = (minor: number) => formatMinor(minor, i.currency, ctx.lang);
  return (
    <section class="card co-summary" aria-labelledby="summary-title">
      <h2 id="summary-title">{m.summary}</h2>
      {data.event ? (
        <p class="co-event">
          <strong>{data.event.title}</strong>
          {data.show ? (
            <>
              <br />
              <time dateTime={data.show.startsAt.toISOString()}>{formatDate(data.show.startsAt, data.timeZone, ctx.lang, 'long')}</time>
            </>
          ) : null}
          {data.event.venueName ? <span> · {data.event.venueName}</span> : null}
        </p>
      ) : null}
      <ul class="co-lines">
        {data.lines.map((l) => (
          <li>
            <span class="row">
              <strong>{[l.optionTitle ?? l.listing?.ticketOptionId, l.priceTypeTitle].filter(Boolean).join(' · ')}</strong>
              <span class="badge">{l.item.quantity > 1 ? m.pack(l.item.quantity) : m.single}</span>
            </span>
            {l.listing ? <span class="small muted">{[...new Set(l.listing.seats.map((s) => seatText(m, s)))].join(' / ')}</span> : null}
          </li>
        ))}
      </ul>
      <table class="sum">
        <tbody>
          {data.lines.map((l) => (
            <tr>
              <th scope="row">{m.ticketsLine(l.item.quantity, money(l.item.price_minor))}</th>
              <td>{money(l.item.price_minor * l.item.quantity)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{m.fees}</th>
            <td>{money(i.buyer_fee_minor)}</td>
          </tr>
          <tr class="total">
            <th scope="row">{m.total}</th>
            <td>{money(i.total_minor)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function Field(props: {
  id: string;
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  value?: string | undefined;
  type?: 'text' | 'email';
  autocomplete: string;
  inputMode?: 'numeric' | 'email' | 'text';
  required?: boolean;
  maxLength: number;
  placeholder?: string;
}) {
  const describedBy = props.error ? `${props.id}-error` : props.hint ? `${props.id}-hint` : undefined;
  const attrs = {
    id: props.id,
    name: props.name,
    autocomplete: props.autocomplete,
    inputMode: props.inputMode,
    required: props.required,
    maxLength: props.maxLength,
    placeholder: props.placeholder,
    value: props.value ?? '',
    'aria-invalid': props.error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div class="co-field">
      <label for={props.id}>{props.label}</label>
      {props.type === 'email' ? <input type="email" {...attrs} /> : <input type="text" {...attrs} />}
      {props.error ? (
        <p id={`${props.id}-error`} class="field-error" role="alert">
          {props.error}
        </p>
      ) : props.hint ? (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

function PayForm({ ctx, data, secret, form, m }: { ctx: PageContext; data: CheckoutPageData; secret: string; form: PayFormState | undefined; m: M }) {
  const i = data.intention;
  const err = (f: PayField) => {
    const e = form?.errors[f];
    return e ? errorText(m, e) : undefined;
  };
  const v = form?.values ?? {};
  const total = formatMinor(i.total_minor, i.currency, ctx.lang);
  return (
    <section class="card co-pay" aria-labelledby="pay-title">
      <h2 id="pay-title">{m.payTitle}</h2>
      <form method="post" action={href(ctx, ['checkout', i.id, 'pay'])} class="stack" autocomplete="on">
        <Csrf ctx={ctx} />
        <ReturnTo ctx={ctx} />
        <input type="hidden" name="secret" value={secret} />
        {form?.alert ? (
          <p class="notice bad" role="alert">
            {form.alert === 'declined' ? m.declined : m.failed}
          </p>
        ) : null}
        {i.buyer_email === null ? (
          <Field
            id="buyer-email"
            name="buyerEmail"
            type="email"
            label={m.email}
            autocomplete="email"
            inputMode="email"
            required
            maxLength={254}
            value={v.buyerEmail ?? ctx.fan?.email}
            error={err('buyerEmail')}
            hint={m.emailHint}
          />
        ) : (
          <p class="small">{m.emailNamed(i.buyer_email)}</p>
        )}
        {data.holderPolicy !== 'NONE' ? (
          <fieldset class="stack co-holder">
            <legend>{m.holderTitle}</legend>
            <p class="hint">{data.holderPolicy === 'MANDATORY' ? m.holderRequired : m.holderOptional}</p>
            <div class="co-pair">
              <Field id="holder-first" name="holderFirstName" label={m.firstName} autocomplete="given-name" required={data.holderPolicy === 'MANDATORY'} maxLength={100} value={v.holderFirstName} error={err('holderFirstName')} />
              <Field id="holder-last" name="holderLastName" label={m.lastName} autocomplete="family-name" required={data.holderPolicy === 'MANDATORY'} maxLength={100} value={v.holderLastName} error={err('holderLastName')} />
            </div>
          </fieldset>
        ) : null}
        <Field id="card-number" name="cardNumber" label={m.cardNumber} autocomplete="cc-number" inputMode="numeric" required maxLength={23} placeholder="1234 1234 1234 1234" error={err('cardNumber')} />
        <div class="co-pair">
          <Field id="card-expiry" name="expiry" label={m.expiry} autocomplete="cc-exp" inputMode="numeric" required maxLength={7} placeholder={ctx.lang === 'es' ? 'MM/AA' : 'MM/YY'} value={v.expiry} error={err('expiry')} />
          <Field id="card-cvc" name="cvc" label={m.cvc} autocomplete="cc-csc" inputMode="numeric" required maxLength={4} placeholder="123" error={err('cvc')} />
        </div>
        <p class="hint co-test-cards">{m.testCards}</p>
        <button type="submit" class="button primary block co-pay-button">
          {m.pay(total)}
        </button>
        <p class="small muted co-center">{m.secure}</p>
      </form>
    </section>
  );
}

function Hold({ ctx, data, secret, m }: { ctx: PageContext; data: CheckoutPageData; secret: string; m: M }) {
  const i = data.intention;
  const now = ctx.deps.clock.now();
  const left = Math.max(0, Math.floor((i.expires_at.getTime() - now.getTime()) / 1000));
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <div class="co-hold">
      <p class="co-hold-line">
        <span>{m.heldUntil(formatDate(i.expires_at, data.timeZone, ctx.lang, 'time'))}</span>{' '}
        <span class="co-hold-left">
          {m.timeLeft}{' '}
          <span class="countdown" data-countdown={i.expires_at.toISOString()} data-expired-reload="">
            {clock}
          </span>
        </span>
      </p>
      <p class="small muted">{m.holdNote}</p>
      {data.extensionOffered ? (
        <form method="post" action={href(ctx, ['checkout', i.id, 'extend'])} class="co-extend">
          <Csrf ctx={ctx} />
          <ReturnTo ctx={ctx} />
          <input type="hidden" name="secret" value={secret} />
          <button type="submit" class="button">
            {m.extend}
          </button>{' '}
          <span class="hint">{m.extendHint(data.holdMinutes)}</span>
        </form>
      ) : null}
    </div>
  );
}

function noticeOf(ctx: PageContext, data: CheckoutPageData, m: M, notice: ExtensionNotice | null): { text: string; tone: 'ok' | 'warn' } | null {
  switch (notice) {
    case null:
      return null;
    case 'ok':
      return { text: m.extended(formatDate(data.intention.expires_at, data.timeZone, ctx.lang, 'time')), tone: 'ok' };
    case 'ALREADY_EXTENDED':
      return { text: m.extendAlready, tone: 'warn' };
    case 'SOMEONE_WAITING':
      return { text: m.extendWaiting, tone: 'warn' };
    case 'NOT_EXTENDABLE':
      return { text: m.extendNotPossible, tone: 'warn' };
  }
}

export function CheckoutPage({ ctx, data, secret, notice, form }: CheckoutPageProps) {
  const m = messagesFor(checkoutMessages, ctx.lang);
  const title = m[TITLES[data.state]] as string;
  const i = data.intention;
  const buyPage = href(ctx, ['marketplace', 'shows', i.show_pk], { ticketOptionId: data.ticketOptionId });
  const self = href(ctx, ['checkout', i.id], { secret });
  const shown = noticeOf(ctx, data, m, data.state === 'PENDING' ? notice : null);
  const brandName = ctx.brand?.name ?? 'Encore';
  const buyerEmail = data.order?.buyerEmail ?? i.buyer_email ?? '';
  return (
    <Layout ctx={ctx} title={title} narrow>
      <div class={`co co-state-${data.state.toLowerCase()}`}>
        <h1>{title}</h1>
        {shown ? (
          <p class={`notice ${shown.tone}`} role="status">
            {shown.text}
          </p>
        ) : null}
        {data.state === 'PENDING' ? <Hold ctx={ctx} data={data} secret={secret} m={m} /> : null}
        {data.state === 'EXPIRED' ? (
          <p class="notice warn" role="status">
            {m.expiredText}
          </p>
        ) : null}
        {data.state === 'GONE' ? (
          <>
            <p class="notice bad" role="status">
              {m.goneText}
            </p>
            <p>
              <a class="button primary block" href={buyPage}>
                {m.backToTickets}
              </a>
            </p>
          </>
        ) : null}
        {data.state === 'PROCESSING' ? (
          <>
            <p class="notice" role="status">
              {m.processingText}
            </p>
            <p>
              <a class="button block" href={self}>
                {m.refresh}
              </a>
            </p>
          </>
        ) : null}
        {data.state === 'PAID' ? (
          <>
            <p class="notice ok" role="status">
              {m.paidText(buyerEmail)}
            </p>
            {data.order ? <p class="small muted">{m.orderRef(data.order.orderId)}</p> : null}
          </>
        ) : null}
        {data.state === 'REFUNDED' ? (
          <p class="notice warn" role="status">
            {m.refundedText}
          </p>
        ) : null}
        {data.state === 'CANCELLED' ? (
          <p class="notice warn" role="status">
            {m.cancelledText}
          </p>
        ) : null}

        <Summary ctx={ctx} data={data} m={m} />

        {data.state === 'PENDING' || data.state === 'EXPIRED' ? <PayForm ctx={ctx} data={data} secret={secret} form={form} m={m} /> : null}
        {data.state === 'EXPIRED' ? (
          <p>
            <a href={buyPage}>{m.backToTickets}</a>
          </p>
        ) : null}

        {data.state === 'PAID' ? (
          <section aria-labelledby="next-title">
            <h2 id="next-title">{m.nextTitle}</h2>
            <ol class="timeline">
              <li class="done">{m.stepPaid}</li>
              <li>{m.next2}</li>
              <li>{m.next3}</li>
            </ol>
            {ctx.returnTo !== null ? (
              <p>
                <a class="button primary block" href={ctx.returnTo}>
                  {m.backTo(brandName)}
                </a>
              </p>
            ) : null}
          </section>
        ) : null}
        {data.state === 'REFUNDED' || data.state === 'CANCELLED' ? (
          <p>
            <a href={buyPage}>{m.backToTickets}</a>
          </p>
        ) : null}
      </div>
    </Layout>
  );
}
