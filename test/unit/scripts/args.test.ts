import { describe, expect, it } from 'vitest';
import { parseScriptArgs } from '../../../scripts/args.js';

const options = { items: { type: 'string' }, keep: { type: 'boolean' } } as const;

describe('script arguments', () => {
  it('returns options and positionals', () => {
    const out = parseScriptArgs(['data.jsonl', '--items', '200', '--keep'], options, 1);
    if (!out.ok) throw new Error(out.message);
    expect(out.args.positionals).toEqual(['data.jsonl']);
    expect(out.args.str('items')).toBe('200');
    expect(out.args.flag('keep')).toBe(true);
    expect(out.args.int('items', 40_000)).toBe(200);
    expect(out.args.int('runs', 5)).toBe(5);
  });

  it('names an unknown option without node’s hint', () => {
    const out = parseScriptArgs(['--itmes', '3'], options, 1);
    expect(out).toEqual({ ok: false, help: false, message: "Unknown option '--itmes'" });
  });

  it('names an option missing its value and an extra argument', () => {
    const missing = parseScriptArgs(['--items'], options, 1);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toMatch(/--items/);
    expect(parseScriptArgs(['a.jsonl', 'b.jsonl'], options, 1)).toEqual({
      ok: false,
      help: false,
      message: "unexpected argument 'b.jsonl'",
    });
  });

  it('asks for the usage on --help and -h', () => {
    for (const flag of ['--help', '-h'])
      expect(parseScriptArgs([flag], options, 1)).toMatchObject({ ok: false, help: true });
  });

  it('rejects a number option that is not a whole number in range, naming it', () => {
    for (const bad of ['x', '2.5', '-3', '0', '']) {
      const out = parseScriptArgs([`--items=${bad}`], options, 0);
      if (!out.ok) throw new Error(out.message);
      expect(() => out.args.int('items', 1)).toThrow(
        `--items: expected a whole number from 1 to 1000000000, got '${bad}'`,
      );
    }
  });
});
