import { randomBytes } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { lockAdvisory } from '../../db/locks.js';
import { withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { isIsoCurrency } from '../../lib/money.js';
import { sha256Hex } from '../../lib/signing.js';
import { isLang, LANGS, type Lang } from '../../lib/urls.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { tenantsRepository as repo } from './tenants.repository.js';

const KEY_PREFIX_LENGTH = 12;

export interface Authenticated {
  tenantId: string;
  keyId: string;
}

export interface NewTenant {
  name: string;
  returnOrigins?: string[];
  defaultCurrency?: string;
  /** `es` (the default) or `en`. */
  defaultLanguage?: string;
  /** Colours (`#rgb` or `#rrggbb`) and an https logo for the Smart Access Layer; left out: Encore's defaults. */
  theme?: Partial<Theme>;
}

export interface Theme {
  background: string;
  text: string;
  accent: string;
  logoUrl: string | null;
}

export const DEFAULT_THEME: Theme = { background: '#ffffff', text: '#1a1a1a', accent: '#0b57d0', logoUrl: null };

/** Checks a theme given at creation: colours as hex, the logo an https URL; names the wrong field. */
function checkTheme(theme: Partial<Theme>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['background', 'text', 'accent'] as const) {
    const v = theme[key];
    if (v === undefined) continue;
    if (!/^#(?:[0-9a-fA-F]{3}){1,2}$/.test(v)) throw new AppError('VALIDATION_ERROR', `theme.${key} must be a colour like #0b57d0 (got ${JSON.stringify(v)})`, { field: `theme.${key}` });
    out[key] = v.toLowerCase();
  }
  if (theme.logoUrl !== undefined && theme.logoUrl !== null) {
    let ok = false;
    try {
      ok = new URL(theme.logoUrl).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) throw new AppError('VALIDATION_ERROR', `theme.logoUrl must be an https URL (got ${JSON.stringify(theme.logoUrl)})`, { field: 'theme.logoUrl' });
    out.logoUrl = theme.logoUrl;
  }
  return out;
}

export interface CreatedKey {
  keyId: string;
  apiKey: string;
  prefix: string;
}

/** A new API key: shown to the caller once, stored only as its SHA-256. */
function mintKey(): { apiKey: string; prefix: string; hash: string } {
  const apiKey = `enc_sk_${randomBytes(24).toString('base64url')}`;
  return { apiKey, prefix: apiKey.slice(0, KEY_PREFIX_LENGTH), hash: sha256Hex(apiKey) };
}

export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('VALIDATION_ERROR', `"${value}" is not a URL`, { field: 'returnOrigins' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('VALIDATION_ERROR', `"${value}" must be an http(s) origin`, { field: 'returnOrigins' });
  }
  return url.origin;
}

/** Creates a tenant and its first key inside `tx`, so a caller can add more in the same transaction. */
export async function createTenantInTx(tx: Tx, deps: Pick<Deps, 'clock'>, input: NewTenant): Promise<{ tenantId: string } & CreatedKey> {
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_ERROR', 'name is required', { field: 'name' });
  const currency = input.defaultCurrency ?? 'EUR';
  if (!isIsoCurrency(currency)) throw new AppError('INVALID_CURRENCY', `${currency} is not an ISO 4217 currency`, { field: 'defaultCurrency' });
  const now = deps.clock.now();
  const tenantId = newId(ID_PREFIX.tenant, now.getTime());
  const returnOrigins = [...new Set((input.returnOrigins ?? []).map(normalizeOrigin))];
  const language = input.defaultLanguage ?? 'es';
  if (!isLang(language)) throw new AppError('VALIDATION_ERROR', `the default language must be one of ${LANGS.join(', ')}`, { field: 'defaultLanguage' });
  const theme = checkTheme(input.theme ?? {});
  await repo.insertTenant(tx, { id: tenantId, name, defaultCurrency: currency, returnOrigins, defaultLanguage: language, theme });
  const key = await insertKey(tx, tenantId, now);
  const actor: Actor = { tenantId, label: 'cli' };
  await recordAudit(tx, actor, { action: 'tenant.created', entityType: 'tenant', entityId: tenantId, after: { name, returnOrigins, defaultCurrency: currency, defaultLanguage: language } }, now);
  return { tenantId, ...key };
}

async function insertKey(tx: Tx, tenantId: string, now: Date): Promise<CreatedKey> {
  const minted = mintKey();
  const keyId = newId(ID_PREFIX.apiKey, now.getTime());
  await repo.insertKey(tx, { tenantId, id: keyId, prefix: minted.prefix, keyHash: minted.hash });
  await recordAudit(tx, { tenantId, label: 'cli' }, { action: 'api_key.created', entityType: 'api_key', entityId: keyId, after: { prefix: minted.prefix } }, now);
  return { keyId, apiKey: minted.apiKey, prefix: minted.prefix };
}

export async function createKey(deps: Deps, tenantId: string): Promise<CreatedKey> {
  return withTx(deps.db, async (tx) => {
    const tenant = await repo.findTenant(tx, tenantId);
    if (!tenant) throw new AppError('NOT_FOUND', `tenant ${tenantId} does not exist`, { field: 'tenant' });
    return insertKey(tx, tenantId, deps.clock.now());
  });
}

export async function revokeKeyByPrefix(deps: Deps, prefix: string): Promise<{ tenantId: string; keyId: string }> {
  return withTx(deps.db, async (tx) => {
    const keys = await repo.findKeysByPrefix(tx, prefix);
    if (keys.length === 0) throw new AppError('NOT_FOUND', `no API key starts with ${prefix}`, { field: 'key-prefix' });
    if (keys.length > 1) throw new AppError('VALIDATION_ERROR', `${keys.length} keys share the prefix ${prefix}; give more characters`, { field: 'key-prefix' });
    const key = keys[0]!;
    if (!key.revoked_at) {
      const now = deps.clock.now();
      await repo.revokeKey(tx, key.tenant_id, key.id, now);
      forgetKey(key.id);
      await recordAudit(tx, { tenantId: key.tenant_id, label: 'cli' }, { action: 'api_key.revoked', entityType: 'api_key', entityId: key.id, before: { revokedAt: null }, after: { revokedAt: now } }, now);
    }
    return { tenantId: key.tenant_id, keyId: key.id };
  });
}

export async function listTenants(deps: Deps) {
  const rows = await repo.listTenantsWithKeyCounts(deps.db);
  return rows.map((r) => ({
    tenantId: r.id,
    name: r.name,
    defaultCurrency: r.default_currency,
    returnOrigins: r.return_origins,
    defaultLanguage: r.default_language,
    activeKeys: Number(r.active_keys),
    createdAt: r.created_at.toISOString(),
  }));
}

/**
 * A first start's tenant (the demo tenant), unless the database already has one: undefined then.
 * Several processes may start at once on one database; the advisory lock lets one of them create it.
 */
export async function createTenantIfNone(deps: Pick<Deps, 'db' | 'clock'>, input: NewTenant): Promise<({ tenantId: string } & CreatedKey) | undefined> {
  return withTx(deps.db, async (tx) => {
    await lockAdvisory(tx, 'encore-demo-tenant');
    if ((await repo.countTenants(tx)) > 0) return undefined;
    return createTenantInTx(tx, deps, input);
  });
}

/** `tenant theme`: changes the tenant's colours or logo (those given), validated like at creation. */
export async function setTheme(deps: Pick<Deps, 'db' | 'clock'>, tenantId: string, theme: Partial<Theme>): Promise<Theme> {
  return withTx(deps.db, async (tx) => {
    const row = await repo.findTenant(tx, tenantId);
    if (!row) throw new AppError('NOT_FOUND', `tenant ${tenantId} does not exist`, { field: 'tenant' });
    const merged = { ...(row.theme as Record<string, string>), ...checkTheme(theme) };
    await repo.setTheme(tx, tenantId, merged);
    await recordAudit(tx, { tenantId, label: 'cli' }, { action: 'tenant.theme_changed', entityType: 'tenant', entityId: tenantId, after: merged }, deps.clock.now());
    return { ...DEFAULT_THEME, ...merged };
  });
}

export async function getTenant(deps: Pick<Deps, 'db'>, tenantId: string) {
  return repo.findTenant(deps.db, tenantId);
}

/**
 * Valid keys are remembered for a few seconds: the lookup was one database round trip on every
 * request (a tenth of a busy reservation's). Only valid keys are cached (a new key works at once,
 * and unknown keys cannot fill the cache); a key revoked in this process is forgotten at once, one
 * revoked by another process keeps working here for at most KEY_CACHE_TTL_MS.
 */
const KEY_CACHE_TTL_MS = 5_000;
const KEY_CACHE_MAX = 10_000;
const keyCache = new Map<string, { auth: Authenticated; until: number }>();

/** Resolves a raw API key to its tenant; undefined for unknown or revoked keys (both are a 401). */
export async function authenticateKey(deps: Pick<Deps, 'db'>, rawKey: string): Promise<Authenticated | undefined> {
  const hash = sha256Hex(rawKey);
  const cached = keyCache.get(hash);
  if (cached && cached.until > Date.now()) return cached.auth;
  const row = await repo.findKeyByHash(deps.db, hash);
  if (!row || row.revokedAt) {
    keyCache.delete(hash);
    return undefined;
  }
  const auth = { tenantId: row.tenantId, keyId: row.keyId };
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(hash, { auth, until: Date.now() + KEY_CACHE_TTL_MS });
  return auth;
}

function forgetKey(keyId: string): void {
  for (const [hash, entry] of keyCache) if (entry.auth.keyId === keyId) keyCache.delete(hash);
}

/** What the resale marketplace needs from the tenant: hold length, default fees, return origins. */
export interface MarketSettings {
  /** The integrator's name, as fans know it (the hosted pages are white-labelled with it). */
  name: string;
  holdMinutes: number;
  /** Fee settings as the FEES rule stores them (fixed parts in minor units). */
  defaultFees: { buyerFeePercent: number; buyerFeeFixedMinor: number; sellerFeePercent: number; sellerFeeFixedMinor: number };
  returnOrigins: string[];
  /** The pages' language when a request names none Encore speaks (SPEC §1.1). */
  defaultLanguage: Lang;
  /** The tenant's colours and logo, Encore's defaults where it set none. */
  theme: Theme;
}

export async function getMarketSettings(ex: Executor, tenantId: string): Promise<MarketSettings> {
  const row = await repo.findTenant(ex, tenantId);
  if (!row) throw new AppError('NOT_FOUND', `tenant ${tenantId} does not exist`);
  return {
    name: row.name,
    holdMinutes: row.resale_hold_minutes,
    defaultFees: row.default_fees as MarketSettings['defaultFees'],
    returnOrigins: row.return_origins,
    defaultLanguage: row.default_language,
    theme: { ...DEFAULT_THEME, ...(row.theme as Partial<Theme>) },
  };
}

/**
 * CORS for the public, secret-guarded endpoints (SPEC §1.1): a browser origin is allowed when the
 * tenant (one of `tenantIds`, or any tenant when the request names no resource yet) lists it.
 */
export async function tenantAllowsOrigin(deps: Pick<Deps, 'db'>, origin: string, tenantIds?: string[]): Promise<boolean> {
  let normalized: string;
  try {
    normalized = normalizeOrigin(origin);
  } catch {
    return false;
  }
  return repo.allowsOrigin(deps.db, normalized, tenantIds);
}
