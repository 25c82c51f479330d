import type { App } from '../src/app/app.js';

export interface WebResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | number | undefined>;
  location: string | undefined;
}

/**
 * A browser in miniature for page tests through `app.inject`: it keeps cookies (session, CSRF seed)
 * and the last page's `_csrf` field, so a test posts forms the way a browser does. `post` sends the
 * CSRF field unless the test says not to (`{ csrf: false }`).
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  private csrf: string | undefined;

  constructor(private readonly app: App) {}

  private cookieHeader(): string | undefined {
    return this.cookies.size === 0 ? undefined : [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: { headers: Record<string, unknown>; body: string }): void {
    const set = res.headers['set-cookie'] as string | string[] | undefined;
    for (const c of Array.isArray(set) ? set : set === undefined ? [] : [set]) {
      const [pair] = String(c).split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(String(c))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const field = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (field !== undefined) this.csrf = field;
  }

  private wrap(res: { statusCode: number; body: string; headers: Record<string, string | string[] | number | undefined> }): WebResponse {
    const loc = res.headers.location;
    return { status: res.statusCode, body: res.body, headers: res.headers, location: typeof loc === 'string' ? loc : undefined };
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<WebResponse> {
    const cookie = this.cookieHeader();
    const res = await this.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...headers } });
    this.keep(res);
    return this.wrap(res);
  }

  /** GET, following redirects on this site (the one-time-token hop, POST → 303 → GET). */
  async open(url: string): Promise<WebResponse> {
    let res = await this.get(url);
    for (let hops = 0; res.status >= 300 && res.status < 400 && res.location && hops < 5; hops++) res = await this.get(res.location);
    return res;
  }

  async post(url: string, form: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<WebResponse> {
    const cookie = this.cookieHeader();
    const fields = { ...(opts.csrf === false || this.csrf === undefined ? {} : { _csrf: this.csrf }), ...form };
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(cookie ? { cookie } : {}) },
      payload: new URLSearchParams(fields).toString(),
    });
    this.keep(res);
    return this.wrap(res);
  }
}

/** The text of a page without tags (for assertions on what a fan reads). */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
