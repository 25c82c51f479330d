/** The errors of every change of an existing purchase intent (intents.ops.routes.ts, intents.items.routes.ts). */
export const CHANGE_ERRORS = {
  400: { description: 'Bad Request: `{statusCode, error, message}`, the message naming the field or the reason the change is not allowed' },
  401: { description: 'Unauthorized: no or unknown API key' },
  404: { description: 'Not Found: no such purchase intent for this seller' },
};
