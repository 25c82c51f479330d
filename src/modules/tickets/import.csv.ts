/**
 * A streaming RFC 4180 CSV parser: feed it text in chunks of any size (a quoted field may span
 * chunks and lines), get back complete records with the line each started on. Fields are separated
 * by commas, records by LF or CRLF; a field in double quotes may hold commas, line breaks and
 * doubled quotes (`""`). A leading byte-order mark is ignored. No I/O: the caller reads the file.
 */

export interface CsvRecord {
  /** 1-based line of the file on which the record starts. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** Just read a quote inside a quoted field: either the closing quote or the first of `""`. */
  private quotePending = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private afterCr = false;
  private fieldWasQuoted = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') continue; // the LF of a CRLF already ended the record
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // that quote closed the field; c is handled below
        } else if (c === '"') {
          this.quotePending = true;
          continue;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
          continue;
        }
      }
      if (c === ',') {
        this.endField();
      } else if (c === '\n' || c === '\r') {
        this.endField();
        out.push({ line: this.recordLine, fields: this.fields });
        this.fields = [];
        this.line++;
        this.recordLine = this.line;
        this.afterCr = c === '\r';
      } else if (c === '"') {
        if (this.field !== '' || this.fieldWasQuoted) throw new CsvError('a quote inside an unquoted field (quote the whole field and double the quote)', this.line);
        this.inQuotes = true;
        this.fieldWasQuoted = true;
      } else {
        if (this.fieldWasQuoted) throw new CsvError('text after the closing quote of a field', this.line);
        this.field += c;
      }
    }
    return out;
  }

  /** The last record when the file does not end with a line break. */
  end(): CsvRecord[] {
    if (this.inQuotes && !this.quotePending) throw new CsvError('the file ends inside a quoted field', this.line);
    this.inQuotes = false;
    this.quotePending = false;
    if (this.field === '' && this.fields.length === 0 && !this.fieldWasQuoted) return [];
    this.endField();
    const record = { line: this.recordLine, fields: this.fields };
    this.fields = [];
    return [record];
  }

  private endField(): void {
    if (this.inQuotes && this.quotePending) {
      this.inQuotes = false;
      this.quotePending = false;
    }
    this.fields.push(this.field);
    this.field = '';
    this.fieldWasQuoted = false;
  }
}

/** Columns whose cells are numbers in the ticket body. */
const NUMERIC = new Set(['price', 'price.amount', 'primarySalesFee.value']);

/**
 * One CSV row → a ticket body: header names are the body's field names, nested fields as dotted
 * paths (`ticketAccess.locator`, `props.seating.row`); an empty cell is an absent field; `tags`
 * holds `key:value` tags separated by `;` (or a JSON array). Numbers that do not parse are kept
 * as text, so the schema names the field.
 */
export function rowToTicket(header: string[], fields: string[]): Record<string, unknown> {
  const ticket: Record<string, unknown> = {};
  for (let c = 0; c < header.length; c++) {
    const name = header[c]!;
    const cell = fields[c] ?? '';
    if (cell === '' || name === '') continue;
    let value: unknown = cell;
    if (NUMERIC.has(name)) {
      const n = Number(cell);
      value = cell.trim() !== '' && Number.isFinite(n) ? n : cell;
    } else if (name === 'tags') {
      value = cell.trimStart().startsWith('[') ? parseJsonOr(cell) : cell.split(';').map((t) => t.trim()).filter((t) => t !== '');
    }
    setPath(ticket, name.split('.'), value);
  }
  return ticket;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Own properties only: a header such as `__proto__` becomes an (unknown, refused) field, never a prototype. */
function define(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) define(node, key, {});
    node = node[key] as Record<string, unknown>;
  }
  define(node, path[path.length - 1]!, value);
}
