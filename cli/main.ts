/** The `radar` command: dispatches to lazily loaded subcommands so each starts only what it needs. */
import type { CliCommand, CliIo } from './io.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: CliCommand }> }> = {
  run: {
    summary: 'poll the feeds, classify, store, alert (loop; --once for one cycle)',
    load: () => import('./commands/run.js'),
  },
  demo: {
    summary: 'run the pipeline on bundled sample feeds served on loopback',
    load: () => import('./commands/demo.js'),
  },
  classify: {
    summary: 'classify JSON Lines items from stdin against the measures',
    load: () => import('./commands/classify.js'),
  },
  parse: {
    summary: 'parse feed files and print normalised items as JSON Lines',
    load: () => import('./commands/parse.js'),
  },
  query: {
    summary: 'list stored matches by measure, feed and time',
    load: () => import('./commands/query.js'),
  },
  feeds: {
    summary: 'list feed health: last success, errors, stale feeds',
    load: () => import('./commands/feeds.js'),
  },
  measures: {
    summary: 'validate a measures file (check); list what its wildcards match (words)',
    load: () => import('./commands/measures.js'),
  },
  explain: {
    summary: 'show which measures match a text and why',
    load: () => import('./commands/explain.js'),
  },
};

const USAGE = `Usage: radar <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

radar run [--once] [--feeds FILE] [--measures FILE] [--data-dir DIR] [--allow-private-hosts] [--interval MINUTES]
radar demo [--data-dir DIR]
radar classify [--measures FILE]                         JSON Lines {id,title,summary} on stdin
radar parse FILE...                                      one JSON line per file
radar query [--measure ID] [--feed ID] [--since ISO] [--until ISO] [--limit N] [--format table|jsonl|csv] [--data-dir DIR]
radar feeds [--data-dir DIR] [--feeds FILE]
radar measures check [--measures FILE]
radar measures words [--measures FILE] [--items FILE] [--measure ID] [--limit N] [--json]   items: JSON Lines {title,summary}, default stdin
radar explain "TEXT" [--measure ID] [--measures FILE]
`;

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write('radar 0.1.0\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`radar: unknown command "${name}"; run radar --help for the list\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    return await (await command.load()).default(rest, io);
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    // Usage and config errors are the user's input: one clear line, exit 2. Anything else is a bug.
    if (e && (e.code === 'USAGE' || e.code === 'CONFIG' || e.code === 'MEASURE_QUERY')) {
      io.stderr.write(`${String(e.message)}\n`);
      return 2;
    }
    io.stderr.write(
      `radar ${name}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  }
}

/** Runs the CLI on this process's arguments and streams; sets the exit code. Called by bin/radar.mjs. */
export async function runFromProcess(): Promise<void> {
  // `radar query | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  process.exitCode = await main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  });
}
