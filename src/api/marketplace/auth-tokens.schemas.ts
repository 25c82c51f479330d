import { Type } from '@sinclair/typebox';
import { TOKEN_METHODS } from '../../modules/auth-tokens/index.js';

export const Email = (description: string) => Type.String({ format: 'email', minLength: 3, maxLength: 254, description, examples: ['fan@example.com'] });
// A plain enum (not a union of literals) so a wrong value reads "method must be one of email".
export const Method = (description: string) => Type.String({ enum: [...TOKEN_METHODS], description });

export const OneTimeTokenQuery = Type.Object({
  user: Email('the fan’s e-mail address (compared case-insensitively)'),
  method: Type.Optional(Method('how the fan is identified; only `email` (the default)')),
});
