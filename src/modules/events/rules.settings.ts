import { AppError } from '../../lib/app-error.js';
import { toMajor, toMinor } from '../../lib/money.js';
import { parseEventDate } from './events.dates.js';

export type RuleType = 'RESALE' | 'TRANSFER' | 'TICKET_SHIELD' | 'FEES';

/** RESALE as stored: money in minor units of the event currency, `opensAt` as sent (with the event zone's offset added when it had none). */
export interface ResaleSettings {
  enabled: boolean;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  /** Over face value (the ticket's price), in percent. */
  maxMarkupPercent?: number;
  opensAt?: string;
  closesHoursBeforeShow?: number;
  maxTicketsPerListing?: number;
  /**
   * At most this many of one seller's tickets of the show on sale at once (listed or held by a
   * buyer): the anti-scalping cap TicketSwap and vivenu apply per fan. The listing that would pass
   * it is refused (LISTING_LIMIT) and the Smart Access Layer shows the reason.
   */
  maxListedTicketsPerSeller?: number;
}
export interface TransferSettings {
  enabled: boolean;
  closesHoursBeforeShow?: number;
}
export interface TicketShieldSettings {
  enabled: boolean;
  unlockHoursBeforeShow: number;
}
export interface FeesSettings {
  buyerFeePercent: number;
  buyerFeeFixedMinor: number;
  sellerFeePercent: number;
  sellerFeeFixedMinor: number;
}
export interface SettingsByType {
  RESALE: ResaleSettings;
  TRANSFER: TransferSettings;
  TICKET_SHIELD: TicketShieldSettings;
  FEES: FeesSettings;
}
export type StoredSettings = SettingsByType[RuleType];

/** Reads one rule's settings object, naming the exact field (`[2].rules.maxPrice`) of anything wrong. */
class SettingsReader {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly at: string,
    private readonly currency: string,
    private readonly timeZone: string | null,
  ) {}

  fail(name: string, message: string): never {
    const field = `${this.at}.${name}`;
    throw new AppError('INVALID_RULE', `${field} ${message}`, { field });
  }

  allowOnly(names: readonly string[], ruleType: RuleType): void {
    for (const key of Object.keys(this.obj)) {
      if (!names.includes(key)) this.fail(key, `is not a ${ruleType} setting (known: ${names.join(', ')})`);
    }
  }

  private value(name: string, required: boolean): unknown {
    const v = this.obj[name];
    if (v === undefined || v === null) {
      if (required) this.fail(name, 'is required');
      return undefined;
    }
    return v;
  }

  bool(name: string): boolean {
    const v = this.value(name, true);
    if (typeof v !== 'boolean') this.fail(name, 'must be true or false');
    return v;
  }

  num(name: string, required: true, opts?: { min?: number; max?: number; integer?: boolean }): number;
  num(name: string, required: false, opts?: { min?: number; max?: number; integer?: boolean }): number | undefined;
  num(name: string, required: boolean, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const v = this.value(name, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(name, 'must be a number');
    if (opts.integer && !Number.isInteger(v)) this.fail(name, 'must be an integer');
    if (opts.min !== undefined && v < opts.min) this.fail(name, `must be at least ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) this.fail(name, `must be at most ${opts.max}`);
    return v;
  }

  money(name: string, required: true): number;
  money(name: string, required: false): number | undefined;
  money(name: string, required: boolean): number | undefined {
    const v = required ? this.num(name, true, { min: 0 }) : this.num(name, false, { min: 0 });
    if (v === undefined) return undefined;
    const field = `${this.at}.${name}`;
    try {
      return toMinor(v, this.currency, field);
    } catch (err) {
      // toMinor speaks VALIDATION_ERROR; inside a rule the contract is INVALID_RULE.
      if (err instanceof AppError) throw new AppError('INVALID_RULE', err.message, { field });
      throw err;
    }
  }

  dateTime(name: string): string | undefined {
    const v = this.value(name, false);
    if (v === undefined) return undefined;
    const date = typeof v === 'string' ? parseEventDate(v, this.timeZone) : undefined;
    if (!date) this.fail(name, 'must be an ISO 8601 date-time (without an offset it is read in the event time zone)');
    return date.text;
  }
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * Validates `rules` for its `ruleType` and converts money to minor units of the event currency; a
 * date without an offset is read in the event's time zone (`timeZone`, UTC when null).
 */
export function parseSettings(ruleType: RuleType, raw: unknown, at: string, currency: string, timeZone: string | null = null): StoredSettings {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AppError('INVALID_RULE', `${at} is required: an object with the ${ruleType} settings`, { field: at });
  }
  const r = new SettingsReader(raw as Record<string, unknown>, at, currency, timeZone);
  switch (ruleType) {
    case 'RESALE': {
      r.allowOnly(['enabled', 'minPrice', 'maxPrice', 'maxMarkupPercent', 'opensAt', 'closesHoursBeforeShow', 'maxTicketsPerListing', 'maxListedTicketsPerSeller'], ruleType);
      const s: ResaleSettings = defined({
        enabled: r.bool('enabled'),
        minPriceMinor: r.money('minPrice', false),
        maxPriceMinor: r.money('maxPrice', false),
        maxMarkupPercent: r.num('maxMarkupPercent', false, { min: 0 }),
        opensAt: r.dateTime('opensAt'),
        closesHoursBeforeShow: r.num('closesHoursBeforeShow', false, { min: 0 }),
        maxTicketsPerListing: r.num('maxTicketsPerListing', false, { min: 1, integer: true }),
        maxListedTicketsPerSeller: r.num('maxListedTicketsPerSeller', false, { min: 1, integer: true }),
      });
      if (s.minPriceMinor !== undefined && s.maxPriceMinor !== undefined && s.minPriceMinor > s.maxPriceMinor) {
        r.fail('maxPrice', 'must not be below minPrice');
      }
      return s;
    }
    case 'TRANSFER':
      r.allowOnly(['enabled', 'closesHoursBeforeShow'], ruleType);
      return defined({ enabled: r.bool('enabled'), closesHoursBeforeShow: r.num('closesHoursBeforeShow', false, { min: 0 }) });
    case 'TICKET_SHIELD':
      r.allowOnly(['enabled', 'unlockHoursBeforeShow'], ruleType);
      return { enabled: r.bool('enabled'), unlockHoursBeforeShow: r.num('unlockHoursBeforeShow', true, { min: 0 }) };
    case 'FEES':
      r.allowOnly(['buyerFeePercent', 'buyerFeeFixed', 'sellerFeePercent', 'sellerFeeFixed'], ruleType);
      return {
        buyerFeePercent: r.num('buyerFeePercent', true, { min: 0, max: 100 }),
        buyerFeeFixedMinor: r.money('buyerFeeFixed', true),
        sellerFeePercent: r.num('sellerFeePercent', true, { min: 0, max: 100 }),
        sellerFeeFixedMinor: r.money('sellerFeeFixed', true),
      };
  }
}

/** The stored settings as the API shows them: money back in major units, under the names sent. */
export function settingsView(ruleType: RuleType, stored: unknown, currency: string): Record<string, unknown> {
  const major = (minor: number | undefined) => (minor === undefined ? undefined : toMajor(minor, currency));
  switch (ruleType) {
    case 'RESALE': {
      const { minPriceMinor, maxPriceMinor, ...rest } = stored as ResaleSettings;
      return defined({ ...rest, minPrice: major(minPriceMinor), maxPrice: major(maxPriceMinor) });
    }
    case 'TRANSFER':
    case 'TICKET_SHIELD':
      return { ...(stored as TransferSettings | TicketShieldSettings) };
    case 'FEES': {
      const s = stored as FeesSettings;
      return {
        buyerFeePercent: s.buyerFeePercent,
        buyerFeeFixed: toMajor(s.buyerFeeFixedMinor, currency),
        sellerFeePercent: s.sellerFeePercent,
        sellerFeeFixed: toMajor(s.sellerFeeFixedMinor, currency),
      };
    }
  }
}
