import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  charCount,
  NO_STAGE,
  plainText,
  renderAlertMessage,
  SMS_MAX_CHARS,
  SUBJECT_MAX_CHARS,
} from '../../../../shared/domain/alert-message.js';
import type { Alert } from '../../../../shared/domain/types.js';

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 't-abc',
    itemKey: 'g:1',
    feedId: 'ofsi',
    title: 'EU adopts 19th sanctions package targeting Russian LNG',
    link: 'https://example.org/news/eu-19th-package',
    summary: 'The Council adopted the package today. It bans imports of Russian LNG from 2027.',
    published: '2026-11-28T10:05:00Z',
    measures: ['eu-package', 'ru-energy'],
    severity: 'high',
    stage: 'adopted',
    evidence: [
      { measureId: 'eu-package', field: 'title', start: 4, end: 10, text: 'adopts 19th sanctions package' },
      { measureId: 'ru-energy', field: 'summary', start: 50, end: 70, text: 'bans imports of Russian LNG' },
    ],
    createdAt: '2026-11-28T10:06:00Z',
    status: 'pending',
    ...overrides,
  };
}

const context = {
  feedName: 'GOV.UK — OFSI',
  measureNames: { 'eu-package': 'EU sanctions packages', 'ru-energy': 'Sanctions on Russian energy' },
};

describe('renderAlertMessage', () => {
  it('renders a full email: title, source, published time, measures, quoted evidence, summary, link', () => {
    const { bodies } = renderAlertMessage(alert(), context);
    expect(bodies.email).toContain('EU adopts 19th sanctions package targeting Russian LNG');
    expect(bodies.email).toContain('Source:     GOV.UK — OFSI (ofsi)');
    expect(bodies.email).toContain('Published:  2026-11-28 10:05 UTC');
    expect(bodies.email).toContain(
      'EU sanctions packages [eu-package]; Sanctions on Russian energy [ru-energy]',
    );
    expect(bodies.email).toMatch(/^ {2}- .*\[ru-energy\]: "bans imports of Russian LNG"/m);
    expect(bodies.email).toContain('Stage:      adopted');
    expect(bodies.email).toContain('Link: https://example.org/news/eu-19th-package');
  });

  it('renders an SMS with measure, title and link within 140 characters', () => {
    const { bodies } = renderAlertMessage(alert(), context);
    expect(bodies.sms).toBe(
      'eu-package+1: EU adopts 19th sanctions package targeting Russian LNG https://example.org/news/eu-19th-package',
    );
    const long = renderAlertMessage(alert({ title: 'Sanctions '.repeat(40) }), context).bodies.sms;
    expect(charCount(long)).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(long.endsWith(' https://example.org/news/eu-19th-package')).toBe(true);
    expect(long).toContain('…');
  });

  it('leaves out of the SMS a link too long to fit, rather than exceeding 140 characters', () => {
    const sms = renderAlertMessage(alert({ link: `https://example.org/${'x'.repeat(200)}` }), context).bodies
      .sms;
    expect(sms).toBe('eu-package+1: EU adopts 19th sanctions package targeting Russian LNG');
  });

  it('counts SMS length in characters for non-Latin titles', () => {
    const sms = renderAlertMessage(alert({ title: 'Евросоюз ввёл санкции '.repeat(10), link: null }), context)
      .bodies.sms;
    expect(charCount(sms)).toBe(SMS_MAX_CHARS);
  });

  it('makes an ASCII single-line subject under 100 characters, without a title it cannot transliterate', () => {
    expect(renderAlertMessage(alert(), context).subject).toBe(
      'Sanctions alert [high] eu-package+1: EU adopts 19th sanctions package targeting Russian LNG',
    );
    expect(renderAlertMessage(alert({ title: 'Евросоюз ввёл санкции' }), context).subject).toBe(
      'Sanctions alert [high] eu-package+1',
    );
    expect(
      renderAlertMessage(alert({ title: 'Sanctions déjà vu'.repeat(10) }), context).subject.length,
    ).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
  });

  it('sets the filterable attributes, with stage "none" when the text states none', () => {
    expect(renderAlertMessage(alert(), context).attributes).toEqual({
      measures: ['eu-package', 'ru-energy'],
      severity: 'high',
      stage: 'adopted',
    });
    expect(renderAlertMessage(alert({ stage: null }), context).attributes.stage).toBe(NO_STAGE);
  });

  it('gives machine subscribers a JSON document', () => {
    const doc = JSON.parse(renderAlertMessage(alert(), context).bodies.default);
    expect(doc).toMatchObject({
      id: 't-abc',
      measures: ['eu-package', 'ru-energy'],
      feedName: 'GOV.UK — OFSI',
    });
  });

  it('never lets HTML into any body', () => {
    const hostile = alert({
      title: 'Sanctions <script>alert(1)</script> <b>now</b>',
      summary: '<p>Para</p><!-- c --><img src=x onerror=y>',
      evidence: [{ measureId: 'eu-package', field: 'title', start: 0, end: 9, text: '<i>Sanctions</i>' }],
    });
    const m = renderAlertMessage(hostile, context);
    for (const body of [m.subject, m.bodies.email, m.bodies.sms, m.bodies.default]) {
      expect(body).not.toMatch(/<\/?[a-z][^>]*>/i);
    }
  });

  it('keeps every rendering within its limits for arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 400 }), { nil: null }),
        fc.option(fc.webUrl(), { nil: null }),
        fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/), { minLength: 1, maxLength: 5 }),
        (title, link, measures) => {
          const m = renderAlertMessage(alert({ title, link, measures }), context);
          expect(charCount(m.bodies.sms)).toBeLessThanOrEqual(SMS_MAX_CHARS);
          expect(m.subject.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
          expect(m.subject).toMatch(/^[\x20-\x7e]+$/);
          expect(m.bodies.sms).not.toContain('\n');
        },
      ),
    );
  });
});

describe('plainText', () => {
  it('strips tags and control characters and collapses whitespace, keeping lone angle brackets', () => {
    expect(plainText('  a <b>bold</b>\n\tline \u0007 1 < 2 ')).toBe('a bold line 1 < 2');
    expect(plainText(null)).toBe('');
  });
});
