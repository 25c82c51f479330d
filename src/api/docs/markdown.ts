import { STATUS_CODES } from 'node:http';

/**
 * The parts of an OpenAPI 3.1 document the Markdown rendering reads. Loose on purpose: the document
 * comes from @fastify/swagger and may carry any JSON Schema keyword.
 */
export interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject | SchemaObject[];
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  allOf?: SchemaObject[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  deprecated?: boolean;
  [keyword: string]: unknown;
}

export interface ParameterObject {
  $ref?: string;
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  deprecated?: boolean;
  schema?: SchemaObject;
}

export interface MediaTypeObject {
  schema?: SchemaObject;
}

export interface RequestBodyObject {
  $ref?: string;
  description?: string;
  required?: boolean;
  content?: Record<string, MediaTypeObject>;
}

export interface ResponseObject {
  $ref?: string;
  description?: string;
  content?: Record<string, MediaTypeObject>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  summary?: string;
  description?: string;
  tags?: string[];
  deprecated?: boolean;
  parameters?: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses?: Record<string, ResponseObject>;
  security?: SecurityRequirement[];
}

export interface SecuritySchemeObject {
  type: string;
  name?: string;
  in?: string;
  scheme?: string;
  bearerFormat?: string;
  description?: string;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  components?: {
    schemas?: Record<string, SchemaObject>;
    securitySchemes?: Record<string, SecuritySchemeObject>;
    [section: string]: unknown;
  };
  security?: SecurityRequirement[];
  tags?: { name: string; description?: string }[];
}

export interface RenderOptions {
  /** Where the JSON document is served, relative to the first server URL. */
  openapiPath?: string;
  /** Where the interactive reference is served, relative to the first server URL. */
  interactivePath?: string;
  /** How deep request-body fields are expanded (top-level fields are depth 1). */
  bodyDepth?: number;
  /** How deep success-response fields are expanded. */
  responseDepth?: number;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;

interface Operation {
  method: string;
  path: string;
  op: OperationObject;
}

/**
 * A readable Markdown rendering of an OpenAPI 3.1 document (for agents and humans): overview, auth,
 * an endpoint index, then per tag each endpoint with its parameters, request-body fields (nested,
 * `$ref`s resolved, unions listed as alternatives, depth bounded) and responses. Pure: no I/O.
 */
export function renderMarkdown(doc: OpenApiDocument, options: RenderOptions = {}): string {
  const r = new Renderer(doc, options);
  return r.render();
}

class Renderer {
  private readonly out: string[] = [];
  private readonly bodyDepth: number;
  private readonly responseDepth: number;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly options: RenderOptions,
  ) {
    this.bodyDepth = options.bodyDepth ?? 6;
    this.responseDepth = options.responseDepth ?? 2;
  }

  render(): string {
    const { doc } = this;
    const base = (doc.servers?.[0]?.url ?? '').replace(/\/+$/, '');
    const openapiPath = this.options.openapiPath ?? '/api/openapi';
    const interactivePath = this.options.interactivePath ?? '/docs';

    this.line(`# ${doc.info.title} (v${doc.info.version})`);
    this.line();
    this.line(`> Markdown rendering of the OpenAPI ${doc.openapi} document, generated from the code for agents and humans. No JavaScript needed.`);
    this.line();
    this.line('## How to use this reference');
    this.line();
    if (base) this.line(`- **Base URL:** \`${base}\` — every path below is relative to it.`);
    const auth = this.describeSecurity(doc.security ?? []);
    if (auth) this.line(`- **Authentication:** ${auth}. Every endpoint needs it unless marked *No authentication*.`);
    this.line(`- **OpenAPI ${doc.openapi} (JSON):** \`${base}${openapiPath}\` — the full request and response schemas.`);
    this.line(`- **Interactive reference:** \`${base}${interactivePath}\`.`);
    this.line('- Each endpoint lists its parameters, its request-body fields (nested fields indented) and its responses.');
    this.line();
    if (doc.info.description) {
      this.line('## Overview');
      this.line();
      this.line(doc.info.description.trim());
      this.line();
    }

    const groups = this.groupByTag();
    this.line('## Endpoint index');
    this.line();
    for (const g of groups) {
      this.line(`- **${g.name}**`);
      for (const o of g.operations) this.line(`  - \`${o.method.toUpperCase()} ${o.path}\`${o.op.summary ? ` — ${inline(o.op.summary)}` : ''}`);
    }
    this.line();

    for (const g of groups) {
      this.line(`## ${g.name}`);
      this.line();
      if (g.description) {
        this.line(g.description.trim());
        this.line();
      }
      for (const o of g.operations) this.renderOperation(o);
    }
    return `${this.out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
  }

  private line(text = ''): void {
    this.out.push(text);
  }

  private groupByTag(): { name: string; description: string | undefined; operations: Operation[] }[] {
    const groups = new Map<string, { name: string; description: string | undefined; operations: Operation[] }>();
    for (const t of this.doc.tags ?? []) groups.set(t.name, { name: t.name, description: t.description, operations: [] });
    for (const [path, item] of Object.entries(this.doc.paths ?? {})) {
      for (const method of METHODS) {
        const op = item[method] as OperationObject | undefined;
        if (!op || typeof op !== 'object') continue;
        // An operation is listed once, under its first tag.
        const tag = op.tags?.[0] ?? 'Other';
        let g = groups.get(tag);
        if (!g) {
          g = { name: tag, description: undefined, operations: [] };
          groups.set(tag, g);
        }
        g.operations.push({ method, path, op });
      }
    }
    return [...groups.values()].filter((g) => g.operations.length > 0);
  }

  private renderOperation({ method, path, op }: Operation): void {
    this.line(`### ${method.toUpperCase()} ${path}${op.summary ? ` — ${inline(op.summary)}` : ''}`);
    this.line();
    if (op.deprecated) {
      this.line('**Deprecated.**');
      this.line();
    }
    if (op.description) {
      this.line(op.description.trim());
      this.line();
    }
    if (op.security) {
      const auth = this.describeSecurity(op.security);
      this.line(auth ? `**Authentication:** ${auth}.` : '*No authentication.*');
      this.line();
    }

    const params = (op.parameters ?? []).map((p) => this.deref(p));
    if (params.length > 0) {
      this.line('**Parameters:**');
      this.line();
      for (const p of params) {
        const schema = p.schema ? this.core(this.deref(p.schema)) : undefined;
        const facts = [p.in, p.required ? 'required' : 'optional', ...(schema ? [this.typeLabel(p.schema!, []), ...constraints(schema)] : [])];
        if (p.deprecated) facts.push('deprecated');
        const desc = p.description ?? schema?.description;
        this.line(`- \`${p.name}\` (${facts.join(', ')})${tail(desc, schema ? extras(schema, (x) => this.deref(x)) : '')}`);
      }
      this.line();
    }

    if (op.requestBody) {
      const body = this.deref(op.requestBody);
      const [mediaType, media] = pickMedia(body.content);
      const schema = media?.schema;
      const facts = [mediaType ? `\`${mediaType}\`` : undefined, schema ? this.typeLabel(schema, []) : undefined, body.required ? 'required' : 'optional'];
      this.line(`**Request body** (${facts.filter(Boolean).join(', ')}):`);
      this.line();
      if (body.description) {
        this.line(body.description.trim());
        this.line();
      }
      if (schema) {
        const before = this.out.length;
        this.renderChildren(schema, 0, this.bodyDepth, []);
        if (this.out.length === before) this.line(`- ${this.typeLabel(schema, [])}${tail(this.deref(schema).description, extras(this.deref(schema), (x) => this.deref(x)))}`);
      }
      this.line();
    }

    const responses = Object.entries(op.responses ?? {});
    if (responses.length > 0) {
      this.line('**Responses:**');
      this.line();
      for (const group of this.groupResponses(responses)) {
        const codes = group.codes.map((c) => `\`${c}\``).join(', ');
        const res = group.response;
        const [mediaType, media] = pickMedia(res.content);
        const description = inline(res.description && res.description !== 'Default Response' ? res.description : reason(group.codes[0]!));
        const success = /^2/.test(group.codes[0]!);
        const schema = media?.schema;
        const typeNote = mediaType && mediaType !== 'application/json' ? ` (\`${mediaType}\`)` : '';
        if (!schema) {
          this.line(`- ${codes} — ${description}${typeNote}`);
        } else if (success) {
          this.line(`- ${codes} — ${description}${typeNote}`);
          this.renderChildren(schema, 1, 1 + this.responseDepth, []);
        } else {
          const fields = Object.keys(this.objectView(schema, [])?.properties ?? {});
          this.line(`- ${codes} — ${description}${typeNote}${fields.length ? `: ${fields.map((f) => `\`${f}\``).join(', ')}` : ''}`);
        }
      }
      this.line();
    }
  }

  /** Responses with the same description and schema (the error envelopes) are listed once. */
  private groupResponses(responses: [string, ResponseObject][]): { codes: string[]; response: ResponseObject }[] {
    const groups = new Map<string, { codes: string[]; response: ResponseObject }>();
    for (const [code, raw] of responses) {
      const response = this.deref(raw);
      const key = /^2/.test(code) ? `${code}` : JSON.stringify(response);
      const g = groups.get(key);
      if (g) g.codes.push(code);
      else groups.set(key, { codes: [code], response });
    }
    return [...groups.values()];
  }

  private describeSecurity(requirements: SecurityRequirement[]): string | undefined {
    // `[]` or a requirement `{}` means anonymous access is allowed.
    if (requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) return undefined;
    const schemes = this.doc.components?.securitySchemes ?? {};
    const alternatives = requirements.map((r) =>
      Object.keys(r)
        .map((name) => {
          const s = schemes[name];
          if (!s) return `\`${name}\``;
          let how: string;
          if (s.type === 'apiKey') how = `API key in the \`${s.name ?? '?'}\` ${s.in ?? 'header'}`;
          else if (s.type === 'http') how = `HTTP ${s.scheme ?? ''} authentication${s.bearerFormat ? ` (${s.bearerFormat})` : ''}`;
          else how = s.type;
          return s.description ? `${how} (${inline(s.description)})` : how;
        })
        .join(' and '),
    );
    return alternatives.join('; or ');
  }

  // ---- schemas -------------------------------------------------------------------------------

  private resolvePointer(ref: string): unknown {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = this.doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  }

  /** Follows `$ref` chains (bounded); an unresolvable reference is returned as it is. */
  private deref<T extends { $ref?: string }>(value: T): T {
    let current = value;
    for (let i = 0; i < 20 && typeof current.$ref === 'string'; i++) {
      const target = this.resolvePointer(current.$ref);
      if (!target || typeof target !== 'object') return current;
      // Sibling keywords of a 3.1 `$ref` (e.g. a description) override the target's.
      const { $ref: _ref, ...siblings } = current;
      current = { ...(target as T), ...siblings };
    }
    return current;
  }

  private refName(ref: string): string {
    const target = this.resolvePointer(ref) as SchemaObject | undefined;
    return target?.title ?? ref.split('/').pop() ?? ref;
  }

  /** An object schema as a flat view: allOf merged; undefined when it has no named fields. */
  private objectView(schema: SchemaObject, seen: string[]): { properties: Record<string, SchemaObject>; required: Set<string> } | undefined {
    const s = this.deref(schema);
    const properties: Record<string, SchemaObject> = { ...(s.properties ?? {}) };
    const required = new Set(s.required ?? []);
    for (const part of s.allOf ?? []) {
      if (part.$ref && seen.includes(part.$ref)) continue;
      const view = this.objectView(part, part.$ref ? [...seen, part.$ref] : seen);
      if (!view) continue;
      Object.assign(properties, view.properties);
      for (const r of view.required) required.add(r);
    }
    return Object.keys(properties).length > 0 ? { properties, required } : undefined;
  }

  private alternatives(s: SchemaObject): SchemaObject[] | undefined {
    return s.anyOf ?? s.oneOf;
  }

  /** A short type: `string (date-time)`, `array of object`, `string | null`, `"PENDING" | "PAID"`, `Name`. */
  private typeLabel(schema: SchemaObject, seen: string[], depth = 0): string {
    if (depth > 6) return '…';
    if (schema.$ref) {
      if (seen.includes(schema.$ref)) return `${this.refName(schema.$ref)} (recursive)`;
      const target = this.resolvePointer(schema.$ref);
      if (!target) return `\`${schema.$ref}\``;
      return this.typeLabel(this.deref(schema), [...seen, schema.$ref], depth + 1);
    }
    if (schema.const !== undefined) return literal(schema.const);
    const values = enumValues(schema);
    if (values) {
      // The values themselves are listed after the description (`One of: …`).
      const types = [...new Set(values.map((v) => (v === null ? 'null' : typeof v)))];
      return baseType(schema) ?? (types.length === 1 ? types[0]! : 'enum');
    }
    const alts = this.alternatives(schema);
    if (alts) {
      const labels = alts.map((a) => this.typeLabel(a, seen, depth + 1));
      return [...new Set(labels)].join(' | ');
    }
    if (this.objectView(schema, seen) && schema.allOf) return 'object';
    // OpenAPI 3.1 allows a list of types (`["array", "null"]`): each is labelled.
    const types = Array.isArray(schema.type) ? [...schema.type] : schema.type ? [schema.type] : [];
    if (types.length === 0 && schema.items) types.push('array');
    if (types.length === 0 && schema.properties) types.push('object');
    if (types.length > 0) return types.map((t) => this.singleTypeLabel(t, schema, seen, depth)).join(' | ');
    if (schema.allOf?.length === 1) return this.typeLabel(schema.allOf[0]!, seen, depth + 1);
    return 'any';
  }

  private singleTypeLabel(type: string, schema: SchemaObject, seen: string[], depth: number): string {
    if (type === 'array') {
      const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
      return items ? `array of ${wrapUnion(this.typeLabel(items, seen, depth + 1))}` : 'array';
    }
    if (type === 'object') {
      if (!schema.properties && typeof schema.additionalProperties === 'object') {
        return `map of string to ${wrapUnion(this.typeLabel(schema.additionalProperties, seen, depth + 1))}`;
      }
      return 'object';
    }
    if (type === 'null') return 'null';
    return schema.format ? `${type} (${schema.format})` : type;
  }

  /**
   * The nested lines under a schema: its fields if it is an object, its items' fields if it is an
   * array, each alternative if it is a union of structured types. `depth` is the indentation level.
   */
  private renderChildren(schema: SchemaObject, indent: number, maxDepth: number, seen: string[]): void {
    const refSeen = schema.$ref ? [...seen, schema.$ref] : seen;
    if (schema.$ref && seen.includes(schema.$ref)) return;
    const s = this.deref(schema);
    const pad = '  '.repeat(indent);

    const view = this.objectView(schema, seen);
    if (view) {
      if (indent >= maxDepth) {
        this.line(`${pad}- … ${plural(Object.keys(view.properties).length, 'field')} (see the OpenAPI document)`);
        return;
      }
      for (const [name, field] of Object.entries(view.properties)) {
        this.renderField(name, field, view.required.has(name), indent, maxDepth, refSeen);
      }
      return;
    }

    const items = Array.isArray(s.items) ? s.items[0] : s.items;
    if (items) {
      this.renderChildren(items, indent, maxDepth, refSeen);
      return;
    }

    const alts = this.alternatives(s);
    if (alts) {
      const structured = alts.filter((a) => this.isStructured(a, refSeen));
      if (structured.length === 0) return;
      // `X | null` where X is structured: list X's fields directly.
      if (structured.length === 1 && alts.every((a) => a === structured[0] || baseType(this.deref(a)) === 'null')) {
        this.renderChildren(structured[0]!, indent, maxDepth, refSeen);
        return;
      }
      if (indent >= maxDepth) {
        this.line(`${pad}- … ${plural(alts.length, 'alternative')} (see the OpenAPI document)`);
        return;
      }
      alts.forEach((alt, i) => {
        const d = this.deref(alt);
        const title = d.title ?? (alt.$ref ? this.refName(alt.$ref) : undefined);
        const label = this.typeLabel(alt, refSeen);
        this.line(`${pad}- alternative ${i + 1}: ${title && title !== label ? `${title} (${label})` : label}${d.description ? ` — ${inline(d.description)}` : ''}`);
        this.renderChildren(alt, indent + 1, maxDepth, refSeen);
      });
    }
  }

  private isStructured(schema: SchemaObject, seen: string[]): boolean {
    if (schema.$ref && seen.includes(schema.$ref)) return false;
    const s = this.deref(schema);
    if (this.objectView(schema, seen)) return true;
    const items = Array.isArray(s.items) ? s.items[0] : s.items;
    if (items) return this.isStructured(items, schema.$ref ? [...seen, schema.$ref] : seen);
    const alts = this.alternatives(s);
    return alts ? alts.some((a) => this.isStructured(a, seen)) : false;
  }

  /** `X | null`: X, so that X's constraints and values are shown; otherwise the schema itself. */
  private core(s: SchemaObject): SchemaObject {
    const alts = this.alternatives(s);
    if (!alts || enumValues(s)) return s;
    const nonNull = alts.map((a) => this.deref(a)).filter((a) => baseType(a) !== 'null');
    return nonNull.length === 1 ? { ...nonNull[0]!, description: s.description ?? nonNull[0]!.description, default: s.default ?? nonNull[0]!.default } : s;
  }

  private renderField(name: string, field: SchemaObject, required: boolean, indent: number, maxDepth: number, seen: string[]): void {
    const s = this.core(this.deref(field));
    const pad = '  '.repeat(indent);
    const recursive = field.$ref !== undefined && seen.includes(field.$ref);
    const facts = [this.typeLabel(field, seen), required ? 'required' : undefined, ...constraints(s)];
    if (s.deprecated) facts.push('deprecated');
    this.line(`${pad}- \`${name}\` (${facts.filter(Boolean).join(', ')})${tail(s.description, extras(s, (x) => this.deref(x)), pad)}`);
    if (!recursive) this.renderChildren(field, indent + 1, maxDepth, seen);
  }
}

// ---- small pure helpers ------------------------------------------------------------------------

function baseType(s: SchemaObject): string | undefined {
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (typeof s.type === 'string') return s.nullable ? `${s.type} | null` : s.type;
  return undefined;
}

function literal(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function wrapUnion(label: string): string {
  return label.includes(' | ') ? `(${label})` : label;
}

/** Size and range constraints, briefly: `1–2000 chars`, `≥ 0`, `≤ 100 items`, `pattern …`. */
function constraints(s: SchemaObject): string[] {
  const out: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string): void => {
    const u = unit ? ` ${unit}` : '';
    if (min !== undefined && max !== undefined) out.push(`${min}–${max}${u}`);
    else if (min !== undefined) out.push(`≥ ${min}${u}`);
    else if (max !== undefined) out.push(`≤ ${max}${u}`);
  };
  range(s.minLength, s.maxLength, 'chars');
  range(s.minimum, s.maximum, '');
  if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
  if (s.exclusiveMaximum !== undefined) out.push(`< ${s.exclusiveMaximum}`);
  range(s.minItems, s.maxItems, 'items');
  if (s.pattern) out.push(`pattern \`${s.pattern}\``);
  return out;
}

/** Enum values (the field's, or its array items') and the default, after the description. */
function extras(s: SchemaObject, deref: (x: SchemaObject) => SchemaObject = (x) => x): string {
  const parts: string[] = [];
  const items = Array.isArray(s.items) ? s.items[0] : s.items;
  const values = enumValues(s);
  const itemValues = items ? enumValues(deref(items)) : undefined;
  const show = (vs: unknown[]): string => vs.map((v) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``).join(', ');
  if (values) parts.push(`One of: ${show(values)}.`);
  else if (itemValues) parts.push(`Items one of: ${show(itemValues)}.`);
  if (s.default !== undefined) parts.push(`Default: \`${JSON.stringify(s.default)}\`.`);
  return parts.join(' ');
}

/**
 * ` — description. One of: …` after a list item's facts; empty when there is nothing to say. A
 * multi-line description keeps its lines (an embedded list stays a list), indented under the item.
 */
function tail(description: string | undefined, more: string, indent = ''): string {
  let text = description?.trim() ?? '';
  if (text && more && !/[.!?:)]$/.test(text)) text += '.';
  const parts = [text, more].filter(Boolean).join(' ');
  if (!parts) return '';
  const lines = parts.split(/\r?\n/).map((l) => l.trimEnd());
  return ` — ${lines.map((l, i) => (i === 0 || l === '' ? l : `${indent}  ${l}`)).join('\n')}`;
}

/** `enum`, or a union of `const`s (TypeBox's `Union([Literal…])`). */
function enumValues(s: SchemaObject): unknown[] | undefined {
  if (Array.isArray(s.enum)) return s.enum;
  const alts = s.anyOf ?? s.oneOf;
  // @fastify/swagger turns a parameter's `const` into a one-value `enum`.
  if (alts && alts.length > 1 && alts.every((a) => a.const !== undefined || Array.isArray(a.enum))) {
    return alts.flatMap((a) => (a.const !== undefined ? [a.const] : (a.enum ?? [])));
  }
  return undefined;
}

function pickMedia(content: Record<string, MediaTypeObject> | undefined): [string | undefined, MediaTypeObject | undefined] {
  if (!content) return [undefined, undefined];
  const json = Object.keys(content).find((k) => /json/.test(k));
  const key = json ?? Object.keys(content)[0];
  return key ? [key, content[key]] : [undefined, undefined];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function reason(code: string): string {
  return STATUS_CODES[Number(code)] ?? (code === 'default' ? 'Any other status' : code);
}

/** One line of Markdown: a multi-line description folded into a list item or heading. */
function inline(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}
