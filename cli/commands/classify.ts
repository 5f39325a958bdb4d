/**
 * `radar classify [--measures FILE]`: JSON Lines items on stdin → one JSON line per item on stdout,
 * in input order: `{id, measures: [{id, score, evidence, stage}]}`, or `{id, error}` for a bad line.
 * Streams: reads chunk by chunk, never buffers all of stdin, and waits for stdout to drain.
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { loadMeasuresFileFast } from '../../shared/config/measures-fast.js';
import type { CompiledClassifier } from '../../shared/domain/classifier/classify.js';
import { type Classifier, compileMatcher } from '../../shared/domain/classifier/index.js';
import type { Evidence, MeasureMatch } from '../../shared/domain/types.js';
import { parseOptions } from '../args.js';
import { cacheDirFor, compileCachedFile } from '../compile-cache.js';
import type { CliIo } from '../io.js';

/** Default measures file, relative to the working directory. */
export const DEFAULT_MEASURES_FILE = 'config/measures.yaml';
/** A longer line is answered with an error instead of being buffered without bound. */
const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** Output block size; a block is written once it holds FLUSH_BYTES. */
const BLOCK_BYTES = 256 * 1024;
const FLUSH_BYTES = 192 * 1024;

/**
 * Loads and compiles a measures file (default config/measures.yaml under cwd); throws ConfigError
 * or MeasureQueryError. With `env`, a compiled set cached for the same measures is used (see
 * compile-cache.ts); without, it always compiles (`radar measures check`).
 */
export async function loadClassifier(
  file: string | undefined,
  cwd: string,
  env?: Record<string, string | undefined>,
): Promise<CompiledClassifier> {
  const path = resolve(cwd, file ?? DEFAULT_MEASURES_FILE);
  if (env === undefined) return compileMatcher(await loadMeasuresFileFast(path));
  return compileCachedFile(path, cacheDirFor(env), loadMeasuresFileFast);
}

type Id = string | number | null;

/** True when the line has only whitespace (checked without allocating a trimmed copy). */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 11 && c !== 12 && c !== 0xa0 && c !== 0xfeff) {
      return c < 0x1680 ? false : line.trim() === '';
    }
  }
  return true;
}

/** Classifies one input line; returns the output object (never throws). */
export function classifyLine(classifier: Classifier, line: string, lineNo: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { id: null, error: `line ${lineNo}: invalid JSON: ${reason}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { id: null, error: `line ${lineNo}: expected a JSON object` };
  }
  const item = value as Record<string, unknown>;
  const id: Id = typeof item.id === 'string' || typeof item.id === 'number' ? item.id : null;
  for (const field of ['title', 'summary'] as const) {
    const v = item[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      return { id, error: `line ${lineNo}: ${field} must be a string or null` };
    }
  }
  const title = (item.title as string | null | undefined) ?? null;
  const summary = (item.summary as string | null | undefined) ?? null;
  const matches = classifier.classify({ title, summary });
  return {
    id,
    measures: matches.map((m) => ({ id: m.measureId, score: m.score, evidence: m.evidence, stage: m.stage })),
  };
}

/** JSON of the few recurring strings (measure ids, fields, stages), cached. */
const quotedCache = new Map<string, string>();
function quoted(s: string): string {
  let q = quotedCache.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (quotedCache.size < 4096) quotedCache.set(s, q);
  }
  return q;
}

/**
 * The output line of classifyLine, serialised by hand for the fixed shape (the same text as
 * JSON.stringify of classifyLine's object, without building that object). Strings go through
 * JSON.stringify, so escaping is the engine's own.
 */
export function classifyLineJson(classifier: Classifier, line: string, lineNo: number): string {
  let item: Record<string, unknown>;
  try {
    item = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return JSON.stringify(classifyLine(classifier, line, lineNo));
  }
  const title = item?.title;
  const summary = item?.summary;
  if (
    item === null ||
    typeof item !== 'object' ||
    Array.isArray(item) ||
    (title !== undefined && title !== null && typeof title !== 'string') ||
    (summary !== undefined && summary !== null && typeof summary !== 'string')
  ) {
    return JSON.stringify(classifyLine(classifier, line, lineNo));
  }
  const id = item.id;
  let out = `{"id":${typeof id === 'string' ? JSON.stringify(id) : typeof id === 'number' ? JSON.stringify(id) : 'null'},"measures":[`;
  const matches = classifier.classify({
    title: (title as string | null | undefined) ?? null,
    summary: (summary as string | null | undefined) ?? null,
  });
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i] as MeasureMatch;
    out += `${i === 0 ? '' : ','}{"id":${quoted(m.measureId)},"score":${JSON.stringify(m.score)},"evidence":[`;
    for (let j = 0; j < m.evidence.length; j++) {
      const e = m.evidence[j] as Evidence;
      out += `${j === 0 ? '' : ','}{"field":${quoted(e.field)},"start":${e.start},"end":${e.end},"text":${JSON.stringify(e.text)}}`;
    }
    out += `],"stage":${m.stage === null ? 'null' : quoted(m.stage)}}`;
  }
  return `${out}]}`;
}

/** Buffers output lines and writes them in blocks, waiting for 'drain' when the stream is full. */
class LineWriter {
  /** Lines are encoded straight into a block buffer: no joined string, no second encoding pass. */
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private size = 0;
  /** A line that did not fit the current block, written by the next flush(). */
  private pending: string | null = null;
  private failed: Error | null = null;

  constructor(private readonly out: Writable) {
    out.on('error', (err: Error) => {
      this.failed = err;
    });
  }

  /** Queues a line; true when the buffer is full and the caller should await flush(). */
  push(line: string): boolean {
    // A UTF-16 unit takes at most 3 UTF-8 bytes; a line that may not fit gets its own buffer.
    if (this.size + line.length * 3 + 1 > this.block.length) {
      if (this.size > 0) return this.pushAfterFlush(line);
      const big = Buffer.from(`${line}\n`, 'utf8');
      this.block = big;
      this.size = big.length;
      return true;
    }
    this.size += this.block.write(line, this.size, 'utf8');
    this.block[this.size++] = 10;
    return this.size >= FLUSH_BYTES;
  }

  /** Keeps the line for after the pending flush (the caller awaits flush() when push returns true). */
  private pushAfterFlush(line: string): boolean {
    this.pending = line;
    return true;
  }

  async flush(): Promise<void> {
    if (this.size > 0) await this.writeBlock();
    const line = this.pending;
    if (line !== null) {
      this.pending = null;
      if (this.push(line)) await this.writeBlock();
    }
  }

  private async writeBlock(): Promise<void> {
    if (this.size === 0) return;
    const data = this.block.subarray(0, this.size);
    // The stream may hold the buffer until it is written: a fresh one for the next block.
    this.block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.size = 0;
    if (this.failed) throw this.failed;
    if (!this.out.write(data)) {
      await new Promise<void>((done, fail) => {
        const cleanup = () => {
          this.out.off('drain', onDrain);
          this.out.off('error', onError);
          this.out.off('close', onDrain);
        };
        const onDrain = () => {
          cleanup();
          done();
        };
        const onError = (err: Error) => {
          cleanup();
          fail(err);
        };
        this.out.on('drain', onDrain);
        this.out.on('error', onError);
        this.out.on('close', onDrain);
      });
    }
  }
}

/** Runs the classifier over JSON Lines from io.stdin; returns the number of lines answered. */
export async function classifyStream(classifier: Classifier, io: CliIo): Promise<number> {
  const writer = new LineWriter(io.stdout);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  let answered = 0;
  let skipping = false; // inside an over-long line, discarding until its newline
  // Synchronous per line; the caller awaits only when the output buffer is full (no microtask per item).
  const answer = (raw: string): boolean => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (isBlank(line)) return false;
    answered++;
    return writer.push(classifyLineJson(classifier, line, lineNo));
  };
  for await (const chunk of io.stdin) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (skipping) {
        skipping = false;
        rest = '';
      } else {
        if (answer(rest.length > 0 ? rest + text.slice(start, nl) : text.slice(start, nl)))
          await writer.flush();
        rest = '';
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (!skipping) rest += text.slice(start);
    if (rest.length > MAX_LINE_CHARS) {
      lineNo++;
      answered++;
      writer.push(
        JSON.stringify({ id: null, error: `line ${lineNo}: longer than ${MAX_LINE_CHARS} characters` }),
      );
      await writer.flush();
      rest = '';
      skipping = true;
    }
  }
  rest += decoder.end();
  if (!skipping && rest.length > 0) answer(rest);
  await writer.flush();
  return answered;
}

/** `radar classify` entry point. */
export default async function classify(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('classify', args, { measures: { type: 'string' } });
  const classifier = await loadClassifier(values.measures, io.cwd, io.env);
  await classifyStream(classifier, io);
  return 0;
}
