/**
 * Argument handling shared by the eval and bench scripts: `--help` prints the usage, and an unknown
 * option, a missing value, an extra argument or a bad number ends the script with the problem and
 * the usage on stderr (exit code 2), never a stack trace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ScriptArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** A string option's value (undefined when absent). */
  str(name: string): string | undefined;
  /** True when a boolean option is given. */
  flag(name: string): boolean;
  /** The whole number an option gives, within [min, max] (fallback when absent); exits 2 otherwise. */
  int(name: string, fallback: number, min?: number, max?: number): number;
}

export type Outcome = { ok: true; args: ScriptArgs } | { ok: false; help: boolean; message: string };

/** Parses `argv` (no side effects): the arguments, or why not (a problem, or --help). */
export function parseScriptArgs(argv: readonly string[], options: Options, maxPositionals: number): Outcome {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node's message names the option ("Unknown option '--x'"); its hint about '--' is noise here.
    return { ok: false, help: false, message: (error as Error).message.split('. To specify')[0] as string };
  }
  if (parsed.values.help === true) return { ok: false, help: true, message: '' };
  if (parsed.positionals.length > maxPositionals)
    return { ok: false, help: false, message: `unexpected argument '${parsed.positionals[maxPositionals]}'` };
  const values = parsed.values as ScriptArgs['values'];
  const args: ScriptArgs = {
    values,
    positionals: parsed.positionals,
    str: (name) => (typeof values[name] === 'string' ? (values[name] as string) : undefined),
    flag: (name) => values[name] === true,
    int(name, fallback, min = 1, max = 1e9) {
      const text = values[name];
      if (text === undefined) return fallback;
      const n = typeof text === 'string' && /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      throw new RangeError(`--${name}: expected a whole number from ${min} to ${max}, got '${String(text)}'`);
    },
  };
  return { ok: true, args };
}

/**
 * The script's arguments from process.argv: on --help prints `usage` and exits 0; on a problem
 * prints it with `usage` on stderr and exits 2 (also when a later int() check fails).
 */
export function scriptArgs(
  script: string,
  usage: string,
  options: Options,
  maxPositionals: number,
): ScriptArgs {
  const fail = (message: string): never => {
    process.stderr.write(`${script}: ${message}\n${usage}\n`);
    process.exit(2);
  };
  const outcome = parseScriptArgs(process.argv.slice(2), options, maxPositionals);
  if (!outcome.ok) {
    if (outcome.help) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    return fail(outcome.message);
  }
  const { int } = outcome.args;
  return {
    ...outcome.args,
    int(name, fallback, min, max) {
      try {
        return int(name, fallback, min, max);
      } catch (error) {
        return fail((error as Error).message);
      }
    },
  };
}
