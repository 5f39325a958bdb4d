/** Minimal strict option parser for the radar CLI (node:util parseArgs with clear errors). */
import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parses args against spec; unknown options or missing values throw UsageError naming the argument. */
export function parseOptions<T extends OptionSpec>(
  command: string,
  args: string[],
  spec: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options: spec, allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(`radar ${command}: ${message.replace(/\. To specify.*$/s, '')}`);
  }
}
