import { Type } from '@sinclair/typebox';
import { IdRef as Id } from '../../lib/schema.js';
import { LangParam } from '../shared/lang.js';

export const SalePublicUrlQuery = Type.Object({
  ticketId: Id('your ticketId'),
  lang: LangParam,
});
