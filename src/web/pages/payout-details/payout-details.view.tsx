import type { PayoutDetailsView } from '../../../flows/seller-tickets.js';
import { myTicketsPage } from '../../../modules/marketplace-urls/index.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import { pageHref } from '../seller/seller.ui.js';
import { payoutDetailsMessages } from './payout-details.messages.js';

export const PAYOUT_FIELDS = ['holderName', 'iban', 'accountNumber', 'bankCode', 'country'] as const;
export type PayoutField = (typeof PAYOUT_FIELDS)[number];

export interface PayoutForm {
  values: Partial<Record<PayoutField, string>>;
  errors: Partial<Record<PayoutField, string>>;
}

export interface PayoutDetailsPageProps {
  ctx: PageContext;
  view: PayoutDetailsView;
  /** Show the form even though an account exists (changing it), or again with what was sent. */
  form?: PayoutForm | undefined;
  edit?: boolean;
  saved?: boolean;
}

function Field(props: {
  id: PayoutField;
  label: string;
  hint?: string | undefined;
  form: PayoutForm;
  autocomplete?: string;
  maxLength: number;
  required?: boolean;
  upper?: boolean;
}) {
  const { id, form } = props;
  const error = form.errors[id];
  const described = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class="stack">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={id}
        type="text"
        value={form.values[id] ?? ''}
        autocomplete={props.autocomplete ?? 'off'}
        autocapitalize={props.upper ? 'characters' : undefined}
        spellcheck={false}
        maxLength={props.maxLength}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described === '' ? undefined : described}
      />
      {props.hint ? (
        <p id={`${id}-hint`} class="hint">
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Where the seller's payouts go (SPEC §4.1 item 7, the target of PENDING_PAYOUT_INFO): the account
 * masked (holder, last four characters), or the form — holder and IBAN, or an account number for a
 * bank without IBANs — checked as the API checks it, each refusal next to its field. Below, the
 * payouts on their way and when they are expected.
 */
export function PayoutDetailsPage({ ctx, view, form, edit, saved }: PayoutDetailsPageProps) {
  const p = messagesFor(payoutDetailsMessages, ctx.lang);
  const lang = ctx.lang;
  const tenantId = ctx.brand!.tenantId;
  const account = view.account;
  const showForm = !account || edit === true || form !== undefined;
  const f: PayoutForm = form ?? { values: { holderName: account?.holderName ?? '' }, errors: {} };
  const noIbanOpen = Boolean(f.values.accountNumber || f.values.bankCode || f.values.country || f.errors.accountNumber || f.errors.bankCode || f.errors.country);
  const hasErrors = Object.keys(f.errors).length > 0;
  const self = href(ctx, ['marketplace', 'tenants', tenantId, 'payout-details']);

  return (
    <Layout ctx={ctx} title={p.title} narrow>
      <h1>{p.title}</h1>
      <p class="muted">{p.intro}</p>
      {saved ? (
        <p class="notice ok" role="status">
          {p.saved}
        </p>
      ) : null}

      {account && !showForm ? (
        <section class="card stack" aria-labelledby="account-title">
          <h2 id="account-title">{p.yourAccount}</h2>
          <dl class="facts">
            <dt>{p.holder}</dt>
            <dd>{account.holderName}</dd>
            <dt>{p.account}</dt>
            <dd>
              {p.masked(account.kind === 'IBAN' ? p.iban : p.accountNumber, account.last4)}
              {account.country ? ` · ${account.country}` : ''}
            </dd>
            {account.bankCode ? (
              <>
                <dt>{p.bankCode}</dt>
                <dd>{account.bankCode}</dd>
              </>
            ) : null}
          </dl>
          <a class="button" href={href(ctx, ['marketplace', 'tenants', tenantId, 'payout-details'], { edit: '1' })}>
            {p.change}
          </a>
        </section>
      ) : (
        <section class="card stack" aria-labelledby="form-title">
          <h2 id="form-title">{p.formTitle}</h2>
          {hasErrors ? (
            <p class="notice bad" role="alert">
              {p.fixErrors}
            </p>
          ) : null}
          <form method="post" action={self} class="stack">
            <Csrf ctx={ctx} />
            <ReturnTo ctx={ctx} />
            <Field id="holderName" label={p.holderName} hint={p.holderHint} form={f} autocomplete="name" maxLength={400} required />
            <Field id="iban" label={p.iban} hint={p.ibanHint} form={f} maxLength={64} upper />
            <details class="disclosure" open={noIbanOpen}>
              <summary>{p.noIban}</summary>
              <div class="stack">
                <Field id="accountNumber" label={p.accountNumber} hint={p.accountNumberHint} form={f} maxLength={64} upper />
                <Field id="bankCode" label={p.bankCodeLabel} hint={p.bankCodeHint} form={f} maxLength={40} upper />
                <Field id="country" label={p.country} hint={p.countryHint} form={f} autocomplete="country" maxLength={2} upper />
              </div>
            </details>
            <p class="hint">{p.secure}</p>
            <button type="submit" class="button primary block">
              {p.save}
            </button>
          </form>
          {account ? (
            <a href={self}>{p.cancel}</a>
          ) : null}
        </section>
      )}

      <section class="card stack" aria-labelledby="pending-title">
        <h2 id="pending-title">{p.pendingTitle}</h2>
        {view.pending.length === 0 ? (
          <p class="muted">{p.pendingNone}</p>
        ) : (
          <ul class="list">
            {view.pending.map((payout) => {
              const due = new Date(payout.releaseAt).getTime() <= ctx.deps.clock.now().getTime();
              return (
                <li class="item">
                  <div class="what">
                    <strong class="num">{formatMinor(payout.amountMinor, payout.currency, lang)}</strong>
                    {payout.eventTitle ? <span class="muted"> · {payout.eventTitle}</span> : null}
                  </div>
                  <span class={account ? 'small' : 'small warn-text'}>
                    {account ? p.pendingExpected(formatDate(payout.releaseAt, payout.timeZone, lang, 'day')) : due ? p.pendingDue : `${p.pendingWaiting} · ${p.pendingExpected(formatDate(payout.releaseAt, payout.timeZone, lang, 'day'))}`}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <p>
        <a href={pageHref(ctx, myTicketsPage(tenantId))}>{p.backToTickets}</a>
      </p>
    </Layout>
  );
}
