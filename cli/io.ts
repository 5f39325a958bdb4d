/** I/O seam for CLI commands, so tests run them in-process with captured streams. */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Working directory that relative paths resolve against. */
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A CLI command: receives its own arguments (after the command name), returns the exit code. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** A bad argument or config: printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  override readonly name = 'UsageError';
}
