import { Type } from '@sinclair/typebox';

/** `lang` on every URL endpoint (SPEC §1.1): any BCP 47 tag, negotiated to `es` or `en`. */
export const LangParam = Type.Optional(
  Type.String({
    maxLength: 35,
    description:
      'language of the page: any BCP 47 tag; its primary subtag picks `es` or `en`, case-insensitive (`es-AR` → es, `EN` → en); ' +
      'another language, or none, falls back to your default language (`tenant create --lang`, default `es`)',
  }),
);
