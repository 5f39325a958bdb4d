/** CDK app entry (`npx cdk synth|deploy`): loads and validates the deployment config, builds the stack, runs cdk-nag. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeployConfig, loadDeployConfig } from './deploy-config.js';
import { PROJECT_ROOT } from './paths.js';
import { RadarStack } from './radar-stack.js';

const app = new App();
let config: DeployConfig;
try {
  config = loadDeployConfig({ rootDir: PROJECT_ROOT, context: (key) => app.node.tryGetContext(key) });
} catch (err) {
  // A config mistake is the user's to fix: one line naming it, not a stack trace.
  const code = (err as { code?: unknown }).code;
  if (err instanceof Error && (code === 'DEPLOY_CONFIG' || code === 'CONFIG')) {
    process.stderr.write(`invalid deployment config: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
new RadarStack(app, config.stackName, {
  config,
  // Unset (offline synth) gives an environment-agnostic template; `cdk deploy` fills both from the profile.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Sanctions Radar: feed polling, classification, alerts and query API',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
