import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../../../shared/domain/feed/index.js';

describe('htmlToText', () => {
  it('strips tags, decodes entities and collapses whitespace', () => {
    expect(htmlToText('<p>Asset&nbsp;freeze &amp; <b>travel</b>\n\n ban</p><p>Second</p>')).toBe(
      'Asset freeze & travel ban Second',
    );
    expect(htmlToText('Caf&eacute; &hellip; &#8217; &#x2014;')).toBe('Café … ’ —');
  });

  it('keeps inline words together and separates blocks', () => {
    expect(htmlToText('Sanc<em>tions</em><br>next<li>item</li>')).toBe('Sanctions next item');
  });

  it('drops scripts, styles, comments and handlers, even entity-escaped', () => {
    const out = htmlToText(
      '<script>alert(1)</script>A<style>x{}</style><!-- c --><img src=x onerror=alert(2)>B<a href="javascript:x()" onclick="y()">C</a>&lt;script&gt;alert(3)&lt;/script&gt;D',
    );
    expect(out).toBe('A BC D');
    expect(out).not.toMatch(/script|alert|onerror|onclick|javascript:/i);
  });

  it('handles unclosed and attribute-quoted markup', () => {
    expect(htmlToText('ok <a title="x > y" href="/">link</a> <script>never closed')).toBe('ok link');
    expect(htmlToText('a < b and c > d')).toBe('a < b and c > d');
    expect(htmlToText('<!-- unterminated')).toBe('');
  });

  it('returns an empty string for empty or non-string input', () => {
    expect(htmlToText('')).toBe('');
    expect(htmlToText(undefined as unknown as string)).toBe('');
  });
});
