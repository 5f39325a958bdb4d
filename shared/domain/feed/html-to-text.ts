/** Markup → plain text for titles and summaries: nothing executable survives, entities decoded. */
import { decodeHTML } from 'entities';

// Elements whose content is never readable text (and may be hostile); dropped with their content.
const DROPPED_OPEN = /<(script|style|noscript|template|iframe|svg|math)\b/gi;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g;
const DECLARATION = /<[!?][^>]*(?:>|$)/g;
// Quoted attribute values may contain '>'; the alternatives start with distinct characters, so no
// backtracking blow-up. An unterminated tag runs to the end of the text and is dropped with it.
const TAG = /<\/?([A-Za-z][A-Za-z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*(?:>|$)/g;
const LOOSE_TAG = /<\/?[A-Za-z][^>]*(?:>|$)/g;
const BLOCK =
  /^(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|img|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)$/i;
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF]/g;

/** Removes dropped elements with indexOf scanning, so unclosed or repeated tags stay linear. */
function dropElements(html: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    DROPPED_OPEN.lastIndex = pos;
    const open = DROPPED_OPEN.exec(html);
    if (!open) break;
    out += `${html.slice(pos, open.index)} `;
    const closer = new RegExp(`</${open[1] ?? ''}`, 'gi');
    closer.lastIndex = open.index + open[0].length;
    const close = closer.exec(html);
    if (!close) return out;
    const end = html.indexOf('>', close.index);
    if (end < 0) return out;
    pos = end + 1;
  }
  return out + html.slice(pos);
}

function stripMarkup(html: string): string {
  const withoutComments = html.replace(COMMENT, ' ').replace(CDATA, ' $1 ');
  return dropElements(withoutComments)
    .replace(DECLARATION, ' ')
    .replace(TAG, (_m, name: string) => (BLOCK.test(name) ? ' ' : ''))
    .replace(LOOSE_TAG, ' ');
}

/** Converts an HTML fragment to one line of plain text; never throws, never returns markup. */
export function htmlToText(html: string): string {
  if (typeof html !== 'string' || html.length === 0) return '';
  let text = decodeHTML(stripMarkup(html));
  // Entity-escaped markup (`&lt;script&gt;`) decodes to tags: strip once more so none reaches a reader.
  if (/<[A-Za-z/!?]/.test(text)) text = stripMarkup(text);
  return text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}
