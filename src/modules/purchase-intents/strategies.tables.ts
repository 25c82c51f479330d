export interface PurchaseIntentStrategiesTable {
  tenant_id: string;
  id: string;
  name: string;
  create_tickets: boolean;
  check_availability: boolean;
  without_seats: boolean;
  create_valid_tickets: boolean;
  hours_before_event: number | null;
  hours_after_creation: number | null;
  expires_at: Date | null;
  deposit_method: 'fixed' | 'percentage' | null;
  deposit_value: number | null;
  needs_approval: boolean;
  /** Empty = unrestricted (the reference's absent or null `restrictedCompletion`). */
  restricted_completion: ('POS' | 'Online')[];
  cancellation_strategy: 'notAllowed' | 'cancellationAllowed';
  /** The reference's `__v`: 0 at creation, +1 per update. */
  version: number;
  created_at: Date;
  updated_at: Date;
}
