import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Deps } from '../../app/deps.js';
import { AppError } from '../../lib/app-error.js';
import type { Actor } from '../audit/index.js';
import { getTenant } from '../tenants/index.js';
import { CsvError, CsvParser, rowToTicket } from './import.csv.js';
import { ingestTickets, type IngestResult } from './tickets.ingest.js';
import type { TicketIssue } from './tickets.validate.js';

/**
 * `encore tickets import`: a CSV or NDJSON file, streamed (a million lines never sit in memory at
 * once), sent in batches through the same ingestion path as POST /v1/sync/tickets, one
 * transaction per batch. While a batch is written, the next one is read.
 */

export interface ImportError {
  /** 1-based line of the file (for CSV, the line the record starts on; line 1 is the header). */
  line: number;
  ticketId: string | null;
  code: string;
  message: string;
  field?: string;
}

export interface ImportSummary {
  total: number;
  created: number;
  unchanged: number;
  failed: number;
  /** The first errors (at most `maxErrors`). */
  errors: ImportError[];
}

export interface ImportProgress extends Omit<ImportSummary, 'errors'> {
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

export interface ImportOptions {
  tenantId: string;
  file: string;
  batchSize?: number;
  maxErrors?: number;
  onProgress?: (p: ImportProgress) => void;
}

type Item = { line: number; value: unknown } | { line: number; issue: TicketIssue };

type Format = 'csv' | 'ndjson';

export function formatOf(file: string): Format {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new AppError('VALIDATION_ERROR', `cannot tell the format of ${file}: use a .csv, .ndjson or .jsonl file`, { field: 'FILE' });
}

async function* ndjsonItems(stream: fs.ReadStream): AsyncGenerator<Item> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) as unknown };
    } catch {
      yield { line, issue: { code: 'VALIDATION_ERROR', message: `line ${line} is not valid JSON` } };
    }
  }
}

async function* csvItems(stream: fs.ReadStream): AsyncGenerator<Item> {
  const parser = new CsvParser();
  let header: string[] | undefined;
  const convert = function* (records: { line: number; fields: string[] }[]): Generator<Item> {
    for (const r of records) {
      if (!header) {
        header = r.fields.map((h) => h.trim());
        continue;
      }
      if (r.fields.length === 1 && r.fields[0] === '') continue; // blank line
      yield { line: r.line, value: rowToTicket(header, r.fields) };
    }
  };
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) yield* convert(parser.push(chunk as string));
    yield* convert(parser.end());
  } catch (err) {
    if (err instanceof CsvError) throw new AppError('VALIDATION_ERROR', `CSV line ${err.line}: ${err.message}`, { field: 'FILE' });
    throw err;
  }
}

export async function importTickets(deps: Pick<Deps, 'db' | 'clock'>, opts: ImportOptions): Promise<ImportSummary> {
  const format = formatOf(opts.file);
  if (!(await getTenant(deps, opts.tenantId))) throw new AppError('NOT_FOUND', `tenant ${opts.tenantId} does not exist`);
  let totalBytes: number;
  try {
    totalBytes = (await fs.promises.stat(opts.file)).size;
  } catch {
    throw new AppError('NOT_FOUND', `cannot read ${opts.file}`, { field: 'FILE' });
  }
  const actor: Actor = { tenantId: opts.tenantId, label: 'cli:import' };
  const batchSize = opts.batchSize ?? 1000;
  const maxErrors = opts.maxErrors ?? 20;
  const summary: ImportSummary = { total: 0, created: 0, unchanged: 0, failed: 0, errors: [] };
  const started = Date.now();

  const stream = fs.createReadStream(opts.file, { highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  stream.on('data', (chunk) => (bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length));

  const addError = (e: ImportError): void => {
    summary.failed++;
    if (summary.errors.length < maxErrors) summary.errors.push(e);
  };
  const tally = (batch: { line: number; value: unknown }[], results: IngestResult[]): void => {
    results.forEach((r, k) => {
      if (r.status === 'CREATED') summary.created++;
      else if (r.status === 'UNCHANGED') summary.unchanged++;
      else addError({ line: batch[k]!.line, ticketId: r.ticketId, code: r.issue!.code, message: r.issue!.message, ...(r.issue!.field ? { field: r.issue!.field } : {}) });
    });
    opts.onProgress?.({ total: summary.total, created: summary.created, unchanged: summary.unchanged, failed: summary.failed, bytesRead, totalBytes, elapsedMs: Date.now() - started });
  };

  let batch: { line: number; value: unknown }[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    const sending = batch;
    batch = [];
    await writing; // one batch in the database at a time; the next is read meanwhile
    writing = ingestTickets(deps, actor, sending.map((b) => b.value), { via: 'import' }).then((results) => tally(sending, results));
    // Marked as handled now; its failure is rethrown where it is awaited (the next flush or the end).
    writing.catch(() => {});
  };

  try {
    for await (const item of format === 'csv' ? csvItems(stream) : ndjsonItems(stream)) {
      summary.total++;
      if ('issue' in item) {
        addError({ line: item.line, ticketId: null, code: item.issue.code, message: item.issue.message });
        continue;
      }
      batch.push(item);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    await writing;
  } finally {
    stream.destroy();
    await writing.catch(() => {});
  }
  return summary;
}
