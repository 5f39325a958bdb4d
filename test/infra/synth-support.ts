/** Builds the stack for infra tests: bundling and CloudFormation validation off, a temp outdir per app. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type DeployConfig, loadDeployConfig } from '../../infra/deploy-config.js';
import { PROJECT_ROOT } from '../../infra/paths.js';
import { RadarStack } from '../../infra/radar-stack.js';

export const FIXTURE_DEPLOY_CONFIG = 'test/fixtures/infra/deploy.yaml';

const outdirs: string[] = [];

/** A fast App (no esbuild, no WASM validation) writing into a temp dir that removeOutdirs() deletes. */
export function testApp(context: Record<string, unknown> = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'radar-cdk-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
}

/** Deletes every outdir created by testApp (call in afterAll). */
export function removeOutdirs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Loads a deploy config the way infra/app.ts does, from the fixture unless context says otherwise. */
export function testConfig(context: Record<string, unknown> = {}): DeployConfig {
  const ctx: Record<string, unknown> = { 'radar:deployConfig': FIXTURE_DEPLOY_CONFIG, ...context };
  return loadDeployConfig({ rootDir: PROJECT_ROOT, context: (key) => ctx[key] });
}

/** The stack and its template for a given context. */
export function synthStack(context: Record<string, unknown> = {}): {
  app: App;
  stack: RadarStack;
  template: Template;
} {
  const app = testApp();
  const config = testConfig(context);
  const stack = new RadarStack(app, config.stackName, { config });
  return { app, stack, template: Template.fromStack(stack) };
}
