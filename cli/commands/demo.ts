/** `radar demo`: the real pipeline on the sample feeds in demo/feeds, served on loopback, offline. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedConfig } from '../../shared/domain/types.js';
import { parseOptions } from '../args.js';
import type { CliIo } from '../io.js';
import { startStaticFeedServer } from '../static-feed-server.js';
import { runPipeline } from './run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export default async function demo(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('demo', args, {
    'data-dir': { type: 'string' },
    measures: { type: 'string' },
  });
  const dataDir = values['data-dir']
    ? resolve(io.cwd, values['data-dir'])
    : await mkdtemp(join(tmpdir(), 'sanctions-radar-demo-'));
  const server = await startStaticFeedServer(join(ROOT, 'demo', 'feeds'));
  try {
    const feeds: FeedConfig[] = server.files.map((f) => ({
      id: `demo-${f.replace(/\..*$/, '')}`,
      url: `${server.baseUrl}/${f}`,
      name: `Demo: ${f}`,
      tags: ['demo'],
    }));
    io.stdout.write(`demo: serving ${feeds.length} sample feeds on ${server.baseUrl}; data dir ${dataDir}\n`);
    const code = await runPipeline(
      {
        feeds,
        measuresFile: resolve(io.cwd, values.measures ?? join(ROOT, 'config', 'measures.yaml')),
        dataDir,
        allowPrivateHosts: true,
        intervalMinutes: 5,
        once: true,
      },
      io,
    );
    io.stdout.write(`demo: done. Try: npx radar query --data-dir ${dataDir}\n`);
    return code;
  } finally {
    await server.close();
  }
}
