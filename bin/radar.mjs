#!/usr/bin/env node
// Launcher for the bundled CLI (dist/cli/main.js). Builds it once if missing, e.g. in a fresh clone.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The SDK's Node 20 end-of-support notice is not actionable for CLI users (versions are pinned).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url))], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const { runFromProcess } = await import(entry.href);
await runFromProcess();
