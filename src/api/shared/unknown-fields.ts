/**
 * Unknown fields (SPEC §1.1): a client written against a fuller schema than ours keeps working. The
 * body is walked beside the route's own JSON Schema; a member the schema does not name, in an object
 * whose schema lists its members, is taken out before validation and its path reported, so the
 * response can name it (`Encore-Ignored-Fields`) or, under `Encore-Strict`, refuse it.
 *
 * The walk is iterative over data that `assertNestingDepth` has already bounded, and it never goes
 * deeper than the schema does: free-form members (`additionalProperties` a schema or `true`, or no
 * `properties` at all) are left as they are.
 */
type Schema = Record<string, unknown>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typesOf(schema: Schema): string[] {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The branches of a schema that could describe `value` (anyOf/oneOf/allOf flattened). */
function branchesFor(schema: Schema, value: unknown): Schema[] {
  const out: Schema[] = [];
  const stack: Schema[] = [schema];
  while (stack.length > 0) {
    const s = stack.pop()!;
    let composite = false;
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = s[key];
      if (Array.isArray(list)) {
        composite = true;
        for (const b of list) if (isPlainObject(b)) stack.push(b);
      }
    }
    const types = typesOf(s);
    const fits = types.length === 0 || (isPlainObject(value) ? types.includes('object') : Array.isArray(value) ? types.includes('array') : true);
    if (fits && (!composite || s.properties !== undefined || s.items !== undefined)) out.push(s);
  }
  return out;
}

interface Frame {
  schema: Schema;
  value: unknown;
  path: string;
}

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * Removes the members of `body` that `schema` does not know and returns their JSON paths (in the
 * order found). `body` is changed in place.
 */
export function stripUnknownFields(schema: Schema, body: unknown): string[] {
  const found: string[] = [];
  const stack: Frame[] = [{ schema, value: body, path: '' }];
  while (stack.length > 0) {
    const { schema: s, value, path } = stack.pop()!;
    const branches = branchesFor(s, value);
    if (branches.length === 0) {
      // A single object given where the schema wants a list of them (the events' single-show
      // shorthand): walk it as one item of that list.
      const items = isPlainObject(value) ? branchesFor(s, []).map((b) => b.items).find(isPlainObject) : undefined;
      if (items) stack.push({ schema: items, value, path });
      continue;
    }
    if (Array.isArray(value)) {
      const items = branches.map((b) => b.items).find(isPlainObject);
      if (items) value.forEach((v, i) => stack.push({ schema: items, value: v, path: child(path, i) }));
      continue;
    }
    if (!isPlainObject(value)) continue;
    const described = branches.filter((b) => isPlainObject(b.properties));
    if (described.length === 0) continue;
    const open = branches.some((b) => b.additionalProperties === true || isPlainObject(b.additionalProperties) || b.patternProperties !== undefined);
    for (const key of Object.keys(value)) {
      // Several branches may name the member, each with its own schema for it (a union of
      // objects): its value is walked against all of them, so no branch's member is lost.
      const subs = described
        .filter((b) => Object.prototype.hasOwnProperty.call(b.properties, key))
        .map((b) => (b.properties as Record<string, unknown>)[key]);
      if (subs.length > 0) {
        const objects = subs.filter(isPlainObject);
        const sub = objects.length > 1 ? { anyOf: objects } : objects[0];
        if (sub && objects.length === subs.length) stack.push({ schema: sub, value: value[key], path: child(path, key) });
      } else if (!open) {
        found.push(child(path, key));
        delete value[key];
      }
    }
  }
  return found;
}

/**
 * Refuses a body nested deeper than `max` arrays and objects before any recursive code sees it (a
 * body 10,000 arrays deep would overflow the stack of a recursive walk). Iterative on purpose.
 */
export function nestingDepthExceeds(body: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[body, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= max) return true;
    for (const v of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof v === 'object' && v !== null) stack.push([v, depth + 1]);
    }
  }
  return false;
}
