/**
 * `radar explain "TEXT" [--summary TEXT] [--measure ID] [--measures FILE] [--json]`: shows, per
 * measure, whether it matched TEXT (read as the title; --summary adds a summary) and which spans of
 * its query, requires and excludes clauses did it; first, the context cues found (background,
 * impact, speculation, negated action) and the words each hid from every measure.
 */
import type {
  ClauseExplanation,
  ContextExplanation,
  MeasureExplanation,
} from '../../shared/domain/classifier/index.js';
import { parseOptions } from '../args.js';
import { type CliIo, UsageError } from '../io.js';
import { loadClassifier } from './classify.js';

function spans(clause: ClauseExplanation): string {
  if (clause.evidence.length === 0) return '';
  return clause.evidence.map((e) => `${e.field}[${e.start}-${e.end}] "${e.text}"`).join(', ');
}

/** What each context kind means, for the text output. */
const CONTEXT_GLOSS: Record<ContextExplanation['kind'], string> = {
  forward: 'background or hope, to the end of its clause',
  clause: 'background or impact clause',
  sentence: 'attributed to non-authorities, whole sentence',
  negation: 'an authority negating its own action, to the end of its clause',
};

function describeContext(c: ContextExplanation): string {
  const cue = `${c.cue.field}[${c.cue.start}-${c.cue.end}] "${c.cue.text}"`;
  const hidden =
    c.hidden.length === 0
      ? 'hides nothing (its clause is about a veto or a package)'
      : `hides ${c.hidden.map((e) => `${e.field}[${e.start}-${e.end}] "${e.text}"`).join(', ')}`;
  return `context  ${cue} (${CONTEXT_GLOSS[c.kind]}): ${hidden}`;
}

function describe(x: MeasureExplanation): string {
  const head = x.matched
    ? `MATCH  ${x.measureId}  score ${x.score}${x.stage ? `  stage ${x.stage}` : ''}`
    : `no     ${x.measureId}`;
  const rows = [head];
  const clause = (name: string, c: ClauseExplanation | null, good: boolean) => {
    if (c === null) return;
    const verdict = c.matched ? (good ? 'holds' : 'VETOES') : good ? 'fails' : 'clear';
    const s = spans(c);
    rows.push(`         ${name.padEnd(9)}${verdict}${s ? `: ${s}` : ''}`);
  };
  clause('query', x.query, true);
  clause('requires', x.requires, true);
  clause('excludes', x.excludes, false);
  if (x.hiddenByContext) rows.push('         (would match but for the words the context cues above hide)');
  return rows.join('\n');
}

/** `radar explain` entry point. */
export default async function explain(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'explain',
    args,
    {
      measures: { type: 'string' },
      measure: { type: 'string' },
      summary: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1) {
    throw new UsageError(
      'radar explain: expected one TEXT argument (quote it), e.g. radar explain "EU adopts 12th package"',
    );
  }
  const classifier = await loadClassifier(values.measures, io.cwd, io.env);
  if (values.measure !== undefined && !classifier.measures.some((m) => m.id === values.measure)) {
    throw new UsageError(
      `radar explain: unknown measure "${values.measure}" (known: ${classifier.measures.map((m) => m.id).join(', ')})`,
    );
  }
  const text = { title: positionals[0] as string, summary: values.summary ?? null };
  const result = classifier.explain(text, values.measure);
  const context = classifier.explainContext(text);
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ rulesVersion: classifier.rulesVersion, context, measures: result })}\n`,
    );
  } else {
    io.stdout.write(`${[...context.map(describeContext), ...result.map(describe)].join('\n')}\n`);
  }
  return 0;
}
