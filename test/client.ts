import type { TestContext } from './harness.js';

/**
 * The one HTTP client of the route tests, for both API families. It behaves like the clients
 * integrators already have: `Content-Type: application/json` on every call (body or not), the key
 * in the family's own `Authorization` form, extra headers as given. Replies keep status, headers
 * and the parsed body.
 *
 * `T` types a reply's payload where a test cares (`client.get<EventView>(…)`); without it the
 * payload is `Dyn`, the single place where tests opt out of typing JSON they only poke at.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Dyn = any;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface ErrorItem {
  code: string;
  message: string;
  field?: string;
  details?: Record<string, Dyn>;
}

/** `{ status, data, errors }` (SPEC §1, marketplace family). */
export interface Envelope<T = Dyn> {
  status: number;
  data: T;
  errors: ErrorItem[] | null;
  requestId?: string;
}

/** `{ statusCode, error, message }` (purchase-intent family errors), exactly these three members. */
export interface PiError {
  statusCode: number;
  error: string;
  message: string;
}

export interface Reply<B> {
  status: number;
  body: B;
  headers: Record<string, string | string[] | number | undefined>;
  /** The raw text, for replay and byte-for-byte checks. */
  text: string;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Send the body as this exact string (malformed JSON, huge bodies). */
  raw?: string;
  /** Leave out the JSON Content-Type (most tests keep it: clients send it on every call). */
  noContentType?: boolean;
}

/** `Encore-Strict: true`: unknown fields are a 400 `UNKNOWN_FIELD` instead of being ignored (SPEC §1.1). */
export const STRICT: CallOptions = { headers: { 'encore-strict': 'true' } };

/** The response header naming the unknown fields a request carried (SPEC §1.1). */
export const IGNORED_FIELDS = 'encore-ignored-fields';

export type Family = 'marketplace' | 'purchaseIntents';

/**
 * A reply body when the test types its payload as `T`: the marketplace's envelope around it
 * (`Body` = `Envelope`), or the purchase-intent resource itself (`Body` = `Dyn`; `any` is tested
 * first because a conditional type on `any` would answer both branches).
 */
export type BodyOf<Body, T> = 0 extends 1 & Body ? T : Body extends Envelope ? Envelope<T> : T;

/** `Client<Envelope>` for the marketplace family, `Client<Dyn>` for the purchase-intent family. */
export interface Client<Body> {
  readonly family: Family;
  call<T = Dyn>(method: Method, url: string, body?: unknown, opts?: CallOptions): Promise<Reply<BodyOf<Body, T>>>;
  get<T = Dyn>(url: string, opts?: CallOptions): Promise<Reply<BodyOf<Body, T>>>;
  post<T = Dyn>(url: string, body?: unknown, opts?: CallOptions): Promise<Reply<BodyOf<Body, T>>>;
  put<T = Dyn>(url: string, body?: unknown, opts?: CallOptions): Promise<Reply<BodyOf<Body, T>>>;
  patch<T = Dyn>(url: string, body?: unknown, opts?: CallOptions): Promise<Reply<BodyOf<Body, T>>>;
  delete<T = Dyn>(url: string, body?: unknown, opts?: CallOptions): Promise<Reply<BodyOf<Body, T>>>;
}

function authorization(family: Family, key: string | undefined): Record<string, string> {
  if (key === undefined) return {};
  return { authorization: family === 'marketplace' ? key : `Bearer ${key}` };
}

function makeClient<Body>(ctx: Pick<TestContext, 'app'>, family: Family, key: string | undefined): Client<Body> {
  const call = async (method: Method, url: string, body?: unknown, opts: CallOptions = {}): Promise<Reply<Dyn>> => {
    const payload = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await ctx.app.inject({
      method,
      url,
      headers: {
        ...(opts.noContentType ? {} : { 'content-type': 'application/json' }),
        ...authorization(family, key),
        ...opts.headers,
      },
      ...(payload === undefined ? {} : { payload }),
    });
    let parsed: unknown = undefined;
    if (res.body !== '') {
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = res.body;
      }
    }
    return { status: res.statusCode, body: parsed, headers: res.headers, text: res.body };
  };
  return {
    family,
    call,
    get: (url, opts) => call('GET', url, undefined, opts),
    post: (url, body, opts) => call('POST', url, body, opts),
    put: (url, body, opts) => call('PUT', url, body, opts),
    patch: (url, body, opts) => call('PATCH', url, body, opts),
    delete: (url, body, opts) => call('DELETE', url, body, opts),
  };
}

/** A client of the marketplace family (`/v1`, raw key, `{status, data, errors}`). */
export function marketplaceClient(ctx: Pick<TestContext, 'app'>, key?: string): Client<Envelope> {
  return makeClient<Envelope>(ctx, 'marketplace', key);
}

/** A client of the purchase-intent family (`/api/…`, `Bearer` key, resources as they are). */
export function purchaseIntentClient(ctx: Pick<TestContext, 'app'>, key?: string): Client<Dyn> {
  return makeClient<Dyn>(ctx, 'purchaseIntents', key);
}

/** The first error of a marketplace reply, for `expect(errorOf(res)).toMatchObject({ code, field })`. */
export function errorOf(reply: Reply<Envelope>): ErrorItem | undefined {
  return reply.body.errors?.[0];
}

/** The paths named in `Encore-Ignored-Fields`, in order (empty when the header is absent). */
export function ignoredFieldsOf(reply: Reply<unknown>): string[] {
  const v = reply.headers[IGNORED_FIELDS];
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}
