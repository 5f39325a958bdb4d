/**
 * Parser for the measure query language.
 *
 *   or      := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary )*          adjacent operands mean AND; `a NOT b` = a AND NOT b
 *   unary   := "NOT" unary | near
 *   near    := primary ( "NEAR/n" primary )*     both operands within n words, either order (or
 *                                                one compound word holding both)
 *   primary := "(" or ")" | ("title:" | "summary:") primary | "phrase" | term | prefix* | *inner* | *tail
 *
 * Operators are upper case (lower-case "and"/"or"/"not" are ordinary terms); NEAR binds tightest,
 * then NOT, AND, OR. Everything folds like item text (case, accents, width). A bare term matches
 * its English inflections (sanction ~ sanctions, sanctioned); a quoted "phrase" or "word" matches
 * exactly those word forms; `word*` matches any token starting with the folded word. A leading `*`
 * reaches inside compounds, whose head a prefix cannot: `*verbot*` matches any token containing
 * "verbot" (Ölimportverbot, Exportverbote), `*liste` any token ending with "liste" (Strafliste).
 */
import { MeasureQueryError, type QueryClause } from './errors.js';
import { tokenize } from './normalise.js';

export type Field = 'title' | 'summary';

/**
 * One word of a term or phrase: a folded token matched by inflection stem, a folded prefix
 * (`prefix`), or a folded token matched only in exactly this form (`exact`, inside quotes).
 * With `leading` (a one-word term `*word` or `*word*`) the token ends with the folded word, or,
 * with `prefix` too, contains it.
 */
export interface QueryWord {
  text: string;
  prefix: boolean;
  exact: boolean;
  leading: boolean;
}

export type QueryNode =
  | { kind: 'term'; word: QueryWord; source: string }
  | { kind: 'phrase'; words: QueryWord[]; source: string }
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'near'; left: QueryNode; right: QueryNode; distance: number }
  | { kind: 'field'; field: Field; child: QueryNode };

type Lexeme =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'end'; pos: number; raw: string }
  | { type: 'near'; pos: number; raw: string; distance: number }
  | { type: 'field'; pos: number; raw: string; field: Field }
  | { type: 'word' | 'phrase'; pos: number; raw: string; value: string };

const MAX_NEAR = 1000;

const SPACE = /\s/u;

/** Whitespace test without a regex call for the common ASCII cases (the lexer runs at startup). */
function isSpace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && SPACE.test(ch);
}

function endsWord(ch: string): boolean {
  return ch === '(' || ch === ')' || ch === '"' || ch === '“' || ch === '”' || isSpace(ch);
}
const MIN_PREFIX = 2;
/** A leading `*` needs a longer word: short inner strings match inside too many words. */
const MIN_INNER = 3;
/** A word the tokenizer would return unchanged as one token. */
const SIMPLE_WORD = /^[a-z0-9]+$/;
const NO_SPACE = /^\S+$/u;

class Parser {
  private readonly lexemes: Lexeme[] = [];
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly measureId: string,
    private readonly clause: QueryClause,
    private readonly groups: Map<string, QueryNode> | undefined,
  ) {
    this.lex();
  }

  /** Index of the ")" lexeme closing the "(" at `open`, or -1 when unbalanced. */
  private closing(open: number): number {
    let depth = 0;
    for (let k = open; k < this.lexemes.length; k++) {
      const t = (this.lexemes[k] as Lexeme).type;
      if (t === 'lparen') depth++;
      else if (t === 'rparen' && --depth === 0) return k;
    }
    return -1;
  }

  private fail(pos: number, expected: string, found: string): never {
    throw new MeasureQueryError(this.measureId, this.clause, pos + 1, expected, found);
  }

  private describe(lx: Lexeme): string {
    return lx.type === 'end' ? 'end of query' : JSON.stringify(lx.raw);
  }

  private lex(): void {
    const s = this.source;
    let i = 0;
    while (i < s.length) {
      const ch = s[i] as string;
      if (isSpace(ch)) {
        i++;
        continue;
      }
      if (ch === '(' || ch === ')') {
        this.lexemes.push({ type: ch === '(' ? 'lparen' : 'rparen', pos: i, raw: ch });
        i++;
        continue;
      }
      if (ch === '"' || ch === '“' || ch === '”') {
        let j = i + 1;
        while (j < s.length && s[j] !== '"' && s[j] !== '”' && s[j] !== '“') j++;
        if (j >= s.length) this.fail(s.length, "a closing '\"'", 'end of query');
        this.lexemes.push({ type: 'phrase', pos: i, raw: s.slice(i, j + 1), value: s.slice(i + 1, j) });
        i = j + 1;
        continue;
      }
      let j = i;
      while (j < s.length && !endsWord(s[j] as string)) j++;
      const raw = s.slice(i, j);
      const colon = raw.indexOf(':');
      if (colon >= 0) {
        const name = raw.slice(0, colon);
        if (name !== 'title' && name !== 'summary') {
          this.fail(
            i,
            'a field scope "title:" or "summary:" or a term without ":"',
            JSON.stringify(`${name}:`),
          );
        }
        this.lexemes.push({ type: 'field', pos: i, raw: `${name}:`, field: name });
        i += colon + 1;
        continue;
      }
      if (raw === 'AND' || raw === 'OR' || raw === 'NOT') {
        this.lexemes.push({ type: raw === 'AND' ? 'and' : raw === 'OR' ? 'or' : 'not', pos: i, raw });
      } else if (raw.startsWith('NEAR/') || raw === 'NEAR') {
        const m = /^NEAR\/(\d{1,4})$/.exec(raw);
        const distance = m ? Number(m[1]) : Number.NaN;
        if (!m || distance < 1 || distance > MAX_NEAR) {
          this.fail(i, `"NEAR/n" with n from 1 to ${MAX_NEAR}`, JSON.stringify(raw));
        }
        this.lexemes.push({ type: 'near', pos: i, raw, distance });
      } else {
        this.lexemes.push({ type: 'word', pos: i, raw, value: raw });
      }
      i = j;
    }
    this.lexemes.push({ type: 'end', pos: s.length, raw: '' });
  }

  private peek(): Lexeme {
    return this.lexemes[this.index] as Lexeme;
  }

  private next(): Lexeme {
    const lx = this.peek();
    if (lx.type !== 'end') this.index++;
    return lx;
  }

  parse(): QueryNode {
    const node = this.parseOr();
    const lx = this.peek();
    if (lx.type !== 'end') this.fail(lx.pos, 'an operator or end of query', this.describe(lx));
    return node;
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.next();
      children.push(this.parseAnd());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'or', children };
  }

  private startsOperand(lx: Lexeme): boolean {
    return (
      lx.type === 'lparen' ||
      lx.type === 'field' ||
      lx.type === 'word' ||
      lx.type === 'phrase' ||
      lx.type === 'not'
    );
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      const lx = this.peek();
      if (lx.type === 'and') {
        this.next();
        children.push(this.parseUnary());
      } else if (this.startsOperand(lx)) {
        children.push(this.parseUnary());
      } else {
        break;
      }
    }
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'and', children };
  }

  private parseUnary(): QueryNode {
    if (this.peek().type === 'not') {
      this.next();
      return { kind: 'not', child: this.parseUnary() };
    }
    return this.parseNear();
  }

  private parseNear(): QueryNode {
    let left = this.parsePrimary();
    while (this.peek().type === 'near') {
      const op = this.next() as Extract<Lexeme, { type: 'near' }>;
      this.checkPositional(left, op.pos, 'left');
      const rightStart = this.peek();
      const right = this.parsePrimary();
      this.checkPositional(right, rightStart.pos, 'right');
      left = { kind: 'near', left, right, distance: op.distance };
    }
    return left;
  }

  /** NEAR needs word positions, so its operands may only be terms, phrases and OR-groups of them. */
  private checkPositional(node: QueryNode, pos: number, side: string): void {
    if (!isPositional(node)) {
      this.fail(
        pos,
        `a term, phrase or OR-group of terms as the ${side} operand of NEAR`,
        node.kind === 'not' ? 'NOT' : node.kind.toUpperCase(),
      );
    }
  }

  private parsePrimary(): QueryNode {
    const lx = this.next();
    switch (lx.type) {
      case 'lparen': {
        // A group repeated across clauses (the shared Russia terms) is parsed once per compile.
        const end = this.groups ? this.closing(this.index - 1) : -1;
        const key = end >= 0 ? this.source.slice(lx.pos, (this.lexemes[end] as Lexeme).pos + 1) : '';
        const cached = end >= 0 ? this.groups?.get(key) : undefined;
        if (cached !== undefined) {
          this.index = end + 1;
          return cached;
        }
        const inner = this.parseOr();
        const close = this.peek();
        if (close.type !== 'rparen') this.fail(close.pos, '")"', this.describe(close));
        this.next();
        if (end >= 0) this.groups?.set(key, inner);
        return inner;
      }
      case 'field':
        return { kind: 'field', field: lx.field, child: this.parsePrimary() };
      case 'word':
        return this.wordNode(lx.value, lx.pos, lx.raw);
      case 'phrase':
        return this.phraseNode(lx.value, lx.pos, lx.raw);
      default:
        return this.fail(lx.pos, 'a term, a "phrase" or "("', this.describe(lx));
    }
  }

  private words(value: string, pos: number, exact: boolean): QueryWord[] {
    const out: QueryWord[] = [];
    // Split on whitespace first so a `*` stays attached to the word it ends.
    // A term is usually one word: no regex scan then.
    const parts: Array<[string, number]> = NO_SPACE.test(value)
      ? [[value, 0]]
      : Array.from(value.matchAll(/\S+/gu), (m) => [m[0], m.index ?? 0]);
    for (const [whole, offset] of parts) {
      const leading = whole.startsWith('*');
      if (leading) {
        this.innerWord(whole, pos + offset, exact || parts.length > 1, out);
        continue;
      }
      const part = whole;
      const partPos = pos + offset;
      const star = part.indexOf('*');
      if (star >= 0 && star !== part.length - 1) {
        this.fail(partPos + star, 'a "*" only at the start or end of a word', JSON.stringify(part));
      }
      const body = star >= 0 ? part.slice(0, -1) : part;
      // Folded ASCII words (most query terms) tokenise to themselves: skip the tokenizer at startup.
      const tokens = SIMPLE_WORD.test(body) ? [{ text: body }] : tokenize(body);
      if (tokens.length === 0) {
        if (star >= 0) this.fail(partPos, 'letters or digits before "*"', JSON.stringify(part));
        continue;
      }
      tokens.forEach((t, k) => {
        const isLast = k === tokens.length - 1;
        const prefix = star >= 0 && isLast;
        out.push({ text: t.text, prefix, exact: exact && !prefix, leading: false });
      });
      const last = out[out.length - 1];
      if (last?.prefix && last.text.length < MIN_PREFIX) {
        this.fail(partPos, `at least ${MIN_PREFIX} letters before "*"`, JSON.stringify(part));
      }
    }
    return out;
  }

  /** `*word` or `*word*`: one word of at least MIN_INNER letters, alone in its term. */
  private innerWord(part: string, pos: number, inPhrase: boolean, out: QueryWord[]): void {
    if (inPhrase) {
      this.fail(pos, 'a leading "*" only in a one-word term outside quotes', JSON.stringify(part));
    }
    const trailing = part.length > 1 && part.endsWith('*');
    const body = part.slice(1, trailing ? -1 : undefined);
    const star = body.indexOf('*');
    if (star >= 0) {
      this.fail(pos + 1 + star, 'a "*" only at the start or end of a word', JSON.stringify(part));
    }
    const tokens = SIMPLE_WORD.test(body) ? [{ text: body }] : tokenize(body);
    if (tokens.length !== 1) {
      this.fail(pos, 'one word (letters or digits) after a leading "*"', JSON.stringify(part));
    }
    const text = (tokens[0] as { text: string }).text;
    if (text.length < MIN_INNER) {
      this.fail(pos, `at least ${MIN_INNER} letters after a leading "*"`, JSON.stringify(part));
    }
    out.push({ text, prefix: trailing, exact: false, leading: true });
  }

  private wordNode(value: string, pos: number, raw: string): QueryNode {
    const words = this.words(value, pos, false);
    if (words.length === 0) this.fail(pos, 'a term with letters or digits', JSON.stringify(raw));
    // "lng-2" or "G-7" fold to several tokens: match them as a phrase, like the item text would read.
    if (words.length === 1) return { kind: 'term', word: words[0] as QueryWord, source: raw };
    return { kind: 'phrase', words, source: raw };
  }

  private phraseNode(value: string, pos: number, raw: string): QueryNode {
    const words = this.words(value, pos + 1, true);
    if (words.length === 0) this.fail(pos, 'a phrase with letters or digits', JSON.stringify(raw));
    if (words.length === 1) return { kind: 'term', word: words[0] as QueryWord, source: raw };
    return { kind: 'phrase', words, source: raw };
  }
}

function isPositional(node: QueryNode): boolean {
  switch (node.kind) {
    case 'term':
    case 'phrase':
    case 'near':
      return true;
    case 'or':
      return node.children.every(isPositional);
    case 'field':
      return isPositional(node.child);
    default:
      return false;
  }
}

/**
 * Parses one clause of a measure; throws MeasureQueryError with a 1-based position. `groups`, when
 * given, shares parsed "( … )" groups between calls by their exact text (same text, same tree).
 */
export function parseQuery(
  source: string,
  measureId: string,
  clause: QueryClause,
  groups?: Map<string, QueryNode>,
): QueryNode {
  return new Parser(source, measureId, clause, groups).parse();
}
