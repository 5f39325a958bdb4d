import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { RadarStack } from '../../infra/radar-stack.js';
import { removeOutdirs, testApp, testConfig } from './synth-support.js';

afterAll(removeOutdirs);

describe('cdk-nag AwsSolutions', () => {
  it('reports zero unacknowledged findings on the stack', () => {
    const app = testApp();
    const config = testConfig();
    new RadarStack(app, config.stackName, { config });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    const violations = (report.pluginReports as Array<{ violations?: unknown[] }>).flatMap(
      (r) => r.violations ?? [],
    );
    expect(violations).toEqual([]);
  });

  it('gives every acknowledged finding a written reason', () => {
    const app = testApp();
    const config = testConfig();
    const stack = new RadarStack(app, config.stackName, { config });
    const ids = stack.nagAcknowledgements.map((a) => a.id);
    expect(new Set(ids)).toEqual(
      new Set([
        'AwsSolutions-L1',
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<IngestionDispatchPollsFunction\w+\.Arn>:\*\]$/),
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<AlertingPublishAlertsFunction\w+\.Arn>:\*\]$/),
        'AwsSolutions-SQS3',
      ]),
    );
    for (const a of stack.nagAcknowledgements) expect(a.reason.length).toBeGreaterThan(60);
  });

  it('fails synth on a finding nobody acknowledged (the plugin is really active)', () => {
    const app = testApp();
    new Queue(new Stack(app, 'Bad'), 'PlainQueue');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
