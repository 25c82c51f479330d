/** Which scope references (show, ticket option, price type) exist in an event, for rule checks. */
export interface ScopeShape {
  showId: string;
  ticketIds: readonly string[];
  priceTypeIds: readonly string[];
}

export type ScopeField = 'showId' | 'ticketOptionId' | 'priceTypeId';

export interface ScopeRef {
  showId: string | null;
  ticketOptionId: string | null;
  priceTypeId: string | null;
}

export class ScopeIndex {
  private readonly options = new Map<string, Set<string>>();
  private readonly types = new Map<string, Set<string>>();
  private readonly anyOption = new Set<string>();
  private readonly anyType = new Set<string>();

  constructor(shows: readonly ScopeShape[]) {
    for (const s of shows) {
      this.options.set(s.showId, new Set(s.ticketIds));
      this.types.set(s.showId, new Set(s.priceTypeIds));
      s.ticketIds.forEach((id) => this.anyOption.add(id));
      s.priceTypeIds.forEach((id) => this.anyType.add(id));
    }
  }

  /**
   * The first scope field that names nothing in the event, or undefined when the scope resolves.
   * Without a show, a ticket option or price type must exist in at least one show.
   */
  unresolved(scope: ScopeRef): ScopeField | undefined {
    if (scope.showId !== null && !this.options.has(scope.showId)) return 'showId';
    if (scope.ticketOptionId !== null) {
      const pool = scope.showId !== null ? this.options.get(scope.showId) : this.anyOption;
      if (!pool?.has(scope.ticketOptionId)) return 'ticketOptionId';
    }
    if (scope.priceTypeId !== null) {
      const pool = scope.showId !== null ? this.types.get(scope.showId) : this.anyType;
      if (!pool?.has(scope.priceTypeId)) return 'priceTypeId';
    }
    return undefined;
  }
}
