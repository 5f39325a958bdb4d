/** Lenient feed-date parsing to ISO 8601 UTC; deterministic (no local time zone is ever assumed). */

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  janv: 1,
  févr: 2,
  fevr: 2,
  mars: 3,
  avr: 4,
  mai: 5,
  juin: 6,
  juil: 7,
  août: 8,
  aout: 8,
  sept: 9,
  déc: 12,
  mär: 3,
  maer: 3,
  okt: 10,
  dez: 12,
  gen: 1,
  mag: 5,
  giu: 6,
  lug: 7,
  ago: 8,
  set: 9,
  ott: 10,
  dic: 12,
  ene: 1,
  abr: 4,
};

// RFC 822 zone names plus the common ones feeds actually send.
const ZONES: Record<string, number> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  wet: 0,
  bst: 60,
  cet: 60,
  met: 60,
  mez: 60,
  cest: 120,
  mesz: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  ist: 330,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  aest: 600,
  aedt: 660,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
};

function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === '') return 0;
  const numeric = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  const named = ZONES[zone.toLowerCase()];
  if (named !== undefined) return named;
  // RFC 822 military single letters are ambiguous in practice; treat them as UTC like most readers.
  return /^[a-zA-Z]$/.test(zone) ? 0 : null;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offset: number,
): string | null {
  if (year < 100) year += year < 50 ? 2000 : 1900;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const time = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis) - offset * 60_000;
  if (!Number.isFinite(time)) return null;
  const date = new Date(time);
  if (date.getUTCFullYear() < 1970 - 100 || date.getUTCFullYear() > 9999) return null;
  return date.toISOString();
}

const ISO =
  /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})?$/i;
const COMPACT_ISO = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const RFC822 =
  /^(?:[A-Za-z\u00C0-\u024F]{2,}\.?,?\s*)?(\d{1,2})(?:\.|\s+|-)([A-Za-z\u00C0-\u024F]{3,5})\.?(?:\s+|-)(\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:([+-]\d{1,2}:?\d{2}|[A-Za-z]{1,5})(?:\s*\(.*\))?)?$/;
const US_STYLE =
  /^(?:[A-Za-z]{2,}\.?,\s*)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?$/i;

function monthNumber(name: string): number | null {
  const key = name.toLowerCase().replace(/\.$/, '');
  return MONTHS[key] ?? MONTHS[key.slice(0, 3)] ?? null;
}

/** Parses RFC 822, ISO 8601/W3CDTF and common sloppy variants; null when no date can be read. */
export function parseFeedDate(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const s = value.trim().replace(/\s+/g, ' ');
  if (s.length === 0 || s.length > 100) return null;

  const iso = ISO.exec(s);
  if (iso) {
    const offset = offsetMinutes(iso[8]);
    if (offset === null) return null;
    const millis = iso[7] ? Math.round(Number(`0.${iso[7]}`) * 1000) : 0;
    return build(
      Number(iso[1]),
      Number(iso[2] ?? 1),
      Number(iso[3] ?? 1),
      Number(iso[4] ?? 0),
      Number(iso[5] ?? 0),
      Number(iso[6] ?? 0),
      Math.min(millis, 999),
      offset,
    );
  }
  const compact = COMPACT_ISO.exec(s);
  if (compact) {
    const offset = offsetMinutes(compact[7]);
    if (offset === null) return null;
    return build(
      Number(compact[1]),
      Number(compact[2]),
      Number(compact[3]),
      Number(compact[4] ?? 0),
      Number(compact[5] ?? 0),
      Number(compact[6] ?? 0),
      0,
      offset,
    );
  }
  const rfc = RFC822.exec(s);
  if (rfc) {
    const month = monthNumber(rfc[2] ?? '');
    const offset = offsetMinutes(rfc[7]);
    if (month === null || offset === null) return null;
    return build(
      Number(rfc[3]),
      month,
      Number(rfc[1]),
      Number(rfc[4] ?? 0),
      Number(rfc[5] ?? 0),
      Number(rfc[6] ?? 0),
      0,
      offset,
    );
  }
  const us = US_STYLE.exec(s);
  if (us) {
    const month = monthNumber(us[1] ?? '');
    const offset = offsetMinutes(us[8]);
    if (month === null || offset === null) return null;
    let hour = Number(us[4] ?? 0);
    const meridiem = us[7]?.toLowerCase();
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
    return build(
      Number(us[3]),
      month,
      Number(us[2]),
      hour,
      Number(us[5] ?? 0),
      Number(us[6] ?? 0),
      0,
      offset,
    );
  }
  return null;
}
