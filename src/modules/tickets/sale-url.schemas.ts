import { Type } from '@sinclair/typebox';
import { LANGS } from '../../lib/urls.js';

export const SalePublicUrlQuery = Type.Object({
  ticketId: Type.String({ minLength: 1, maxLength: 1000, description: 'your ticketId' }),
  // A plain enum (not a union of literals) so a wrong value reads "lang must be one of es, en".
  lang: Type.String({ enum: [...LANGS], description: 'language of the page: `es` or `en`' }),
});
