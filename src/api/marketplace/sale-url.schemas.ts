import { Type } from '@sinclair/typebox';
import { LangParam } from '../shared/lang.js';

export const SalePublicUrlQuery = Type.Object({
  ticketId: Type.String({ minLength: 1, maxLength: 1000, description: 'your ticketId' }),
  lang: LangParam,
});
