import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulerEventSchema } from '../../functions/dispatch-polls/create-handler.js';
import { SWEEP_EVENT_SOURCE } from '../../functions/publish-alerts/create-handler.js';
import { POLL_MAX_RECEIVES } from '../../infra/constructs/ingestion.js';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import { ENV } from '../../shared/config/env.js';
import { matchesPattern } from '../support/event-pattern.js';
import { removeOutdirs, synthStack } from './synth-support.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; [k: string]: unknown }>;

let template: ReturnType<typeof synthStack>['template'];
let resources: Resources;

beforeAll(() => {
  template = synthStack().template;
  resources = template.toJSON().Resources as Resources;
});
afterAll(removeOutdirs);

function ofType(type: string): Array<[string, Resources[string]]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** The logical id of the function whose construct path contains `name` (e.g. 'PollFeed'). */
function functionId(name: string): string {
  const found = ofType('AWS::Lambda::Function').find(([id]) => id.includes(name));
  if (!found) throw new Error(`no function ${name}`);
  return found[0];
}

/** A resource by logical id; throws when missing, so assertions never run on undefined. */
function resource(id: string): Resources[string] {
  const r = resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

/** Every IAM action granted to the role of the named function, with the resources it applies to. */
function grants(name: string): Array<{ actions: string[]; resources: unknown[] }> {
  const fn = resource(functionId(name));
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(
      ([, p]) => (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    )
    .map((s) => ({
      actions: ([] as string[]).concat(s.Action as string | string[]),
      resources: ([] as unknown[]).concat(s.Resource),
    }));
}

const actionsOf = (name: string) => new Set(grants(name).flatMap((g) => g.actions));

describe('storage', () => {
  it('keeps the table construct ID and RETAIN (changing either would orphan or replace the data)', () => {
    const [id, table] = ofType('AWS::DynamoDB::GlobalTable')[0] ?? [];
    expect(id).toBe('StorageTableB43FDCE7');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.UpdateReplacePolicy).toBe('Retain');
  });

  it('is on-demand with PITR, TTL on expiresAt, a NEW_IMAGE stream and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  it('uses exactly the keys and GSIs of table-schema.ts', () => {
    const props = ofType('AWS::DynamoDB::GlobalTable')[0]?.[1].Properties ?? {};
    expect(props.KeySchema).toEqual([
      { AttributeName: TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(props.GlobalSecondaryIndexes).toEqual(
      TABLE_SCHEMA.globalSecondaryIndexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: i.projection },
      })),
    );
  });
});

interface ScheduleProps {
  ScheduleExpression: string;
  Target: { Arn: { 'Fn::GetAtt': [string] }; Input: string };
}

/** The one schedule whose target is the given function. */
function scheduleTargeting(t: typeof template, fn: string): ScheduleProps {
  const all = Object.values(t.findResources('AWS::Scheduler::Schedule')).map(
    (r) => r.Properties as ScheduleProps,
  );
  const hits = all.filter((p) => p.Target.Arn['Fn::GetAtt'][0] === functionId(fn));
  expect(hits).toHaveLength(1);
  return hits[0] as ScheduleProps;
}

describe('ingestion', () => {
  it('runs the dispatcher every 5 minutes with a payload its handler schema accepts', () => {
    const schedule = scheduleTargeting(template, 'DispatchPolls');
    expect(schedule.ScheduleExpression).toBe('rate(5 minutes)');
    // What Scheduler sends after substituting its context attributes.
    const sent = JSON.parse(
      schedule.Target.Input.replace('<aws.scheduler.scheduled-time>', '2026-11-29T10:00:00Z').replace(
        '<aws.scheduler.execution-id>',
        'exec-1',
      ),
    );
    expect(schedulerEventSchema.safeParse(sent).success).toBe(true);
  });

  it('takes the schedule rate from context', () => {
    const { template: t } = synthStack({ 'radar:scheduleRateMinutes': '20' });
    expect(scheduleTargeting(t, 'DispatchPolls').ScheduleExpression).toBe('rate(20 minutes)');
  });

  it('sweeps alerts left pending every 15 minutes through the publisher, with a payload its schema accepts', () => {
    const sweep = scheduleTargeting(template, 'PublishAlerts');
    expect(sweep.ScheduleExpression).toBe('rate(15 minutes)');
    expect(JSON.parse(sweep.Target.Input)).toEqual({ source: SWEEP_EVENT_SOURCE });
  });

  it('moves a poll request to the DLQ after 3 receives, with visibility ≥ 6 × the poll timeout', () => {
    const [, queue] = ofType('AWS::SQS::Queue').find(([id]) => id.startsWith('IngestionPollQueue')) ?? [];
    const redrive = queue?.Properties.RedrivePolicy as {
      maxReceiveCount: number;
      deadLetterTargetArn: unknown;
    };
    expect(redrive.maxReceiveCount).toBe(POLL_MAX_RECEIVES);
    expect(POLL_MAX_RECEIVES).toBe(3);
    expect(JSON.stringify(redrive.deadLetterTargetArn)).toContain('IngestionPollDlq');
    const timeout = resources[functionId('PollFeed')]?.Properties.Timeout as number;
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('feeds poll-feed from the queue in batches with partial batch failures and bounded concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('PollFeed') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestionPollQueue'), 'Arn'] },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('alerting', () => {
  const streamMapping = () =>
    ofType('AWS::Lambda::EventSourceMapping').find(
      ([, r]) => (r.Properties.FunctionName as { Ref: string }).Ref === functionId('PublishAlerts'),
    )?.[1].Properties as Record<string, unknown>;

  it('consumes the stream with bisect, retries, partial failures and an SQS on-failure DLQ', () => {
    const m = streamMapping();
    expect(m).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(JSON.stringify(m.DestinationConfig)).toContain('AlertingStreamDlq');
    expect(JSON.stringify(m.EventSourceArn)).toContain('StreamArn');
  });

  it('filters the stream to newly inserted pending alert records only', () => {
    const filters = (streamMapping().FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters;
    expect(filters).toHaveLength(1);
    const pattern = JSON.parse(filters[0]?.Pattern ?? '{}');
    const image = (entity: string, status?: string) => ({
      pk: { S: 'X' },
      entity: { S: entity },
      ...(status ? { status: { S: status } } : {}),
    });
    expect(
      matchesPattern(pattern, { eventName: 'INSERT', dynamodb: { NewImage: image('alert', 'pending') } }),
    ).toBe(true);
    // Marking the alert published is a MODIFY; other entities and idempotency records never match.
    expect(
      matchesPattern(pattern, { eventName: 'MODIFY', dynamodb: { NewImage: image('alert', 'published') } }),
    ).toBe(false);
    for (const entity of ['item', 'match', 'feedState', 'meta']) {
      expect(matchesPattern(pattern, { eventName: 'INSERT', dynamodb: { NewImage: image(entity) } })).toBe(
        false,
      );
    }
    expect(
      matchesPattern(pattern, {
        eventName: 'INSERT',
        dynamodb: { NewImage: { pk: { S: 'IDEMPOTENCY#alerts' }, status: { S: 'INPROGRESS' } } },
      }),
    ).toBe(false);
    expect(matchesPattern(pattern, { eventName: 'REMOVE', dynamodb: {} })).toBe(false);
  });

  it('encrypts the alerts topic with the KMS key (rotation on) and enforces TLS', () => {
    const [keyId] = ofType('AWS::KMS::Key')[0] ?? [];
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Sanctions Radar',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::SNS::TopicPolicy', 2);
  });

  it('subscribes each configured endpoint with its filter policy on measures, severity and stage', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'analyst@example.org',
      FilterPolicy: { measures: ['ru-energy', 'secondary'], severity: ['high', 'critical'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+15555550100',
      FilterPolicy: { severity: ['critical'], stage: ['adopted'] },
    });
    const unfiltered = ofType('AWS::SNS::Subscription').find(
      ([, s]) => s.Properties.Endpoint === 'everything@example.org',
    );
    expect(unfiltered?.[1].Properties.FilterPolicy).toBeUndefined();
  });
});

describe('functions', () => {
  it('run Node 22 on ARM64 with source maps, their own log group (30 days) and the env contract', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(4);
    for (const [, fn] of fns) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(env[ENV.configDir]).toBe('/var/task/config');
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroup]?.Properties.RetentionInDays).toBe(30);
    }
    const env = (name: string) =>
      (resource(functionId(name)).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env('PublishAlerts'))).toContain(ENV.alertTopicArn);
    expect(Object.keys(env('DispatchPolls'))).toEqual(
      expect.arrayContaining([ENV.pollQueueUrl, ENV.scheduleMinutes]),
    );
    expect(Object.keys(env('QueryMatches'))).not.toContain(ENV.alertTopicArn);
  });

  it('give each role only its grants: no managed policies, never Scan, the query API read-only', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    const ddb = (name: string) => [...actionsOf(name)].filter((a) => a.startsWith('dynamodb:')).sort();
    expect(ddb('QueryMatches')).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(ddb('DispatchPolls')).toEqual(['dynamodb:Query']);
    expect(ddb('PollFeed')).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(ddb('PublishAlerts')).toEqual(
      expect.arrayContaining([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]),
    );
    const all = ofType('AWS::IAM::Policy').flatMap(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
    expect(all.join()).not.toMatch(/dynamodb:Scan|dynamodb:\*|\/index\/\*/);
  });

  it('lets only the publisher publish to SNS and only the dispatcher send poll requests', () => {
    const publishers = ['DispatchPolls', 'PollFeed', 'PublishAlerts', 'QueryMatches'].filter((n) =>
      actionsOf(n).has('sns:Publish'),
    );
    expect(publishers).toEqual(['PublishAlerts']);
    const senders = ['DispatchPolls', 'PollFeed', 'QueryMatches'].filter((n) =>
      actionsOf(n).has('sqs:SendMessage'),
    );
    expect(senders).toEqual(['DispatchPolls']);
  });
});

describe('query API', () => {
  it('serves the three GET routes with IAM auth through the query function', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual([
      'GET /feeds',
      'GET /matches',
      'GET /matches/{itemKey}',
    ]);
    for (const r of routes) expect(r.AuthorizationType).toBe('AWS_IAM');
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20 }),
    });
  });
});

describe('monitoring', () => {
  const alarms = () =>
    ofType('AWS::CloudWatch::Alarm').map(
      ([id, a]) => ({ id, ...a.Properties }) as { id: string } & Record<string, unknown>,
    );

  it('alarms on both DLQs, on every function’s errors, on stale and failing feeds, all to the ops topic', () => {
    const ids = alarms().map((a) => a.id);
    for (const prefix of [
      'PollDlqDepth',
      'StreamDlqDepth',
      'StaleFeeds',
      'FailingFeeds',
      'NoSuccessfulPoll',
    ]) {
      expect(ids.some((id) => id.startsWith(`Monitoring${prefix}`))).toBe(true);
    }
    for (const fn of ['DispatchPolls', 'PollFeed', 'PublishAlerts', 'QueryMatches']) {
      expect(ids.some((id) => id.startsWith(`Monitoring${fn}Errors`))).toBe(true);
    }
    const [opsTopic] = ofType('AWS::SNS::Topic').find(([id]) => id.startsWith('MonitoringOpsTopic')) ?? [];
    for (const a of alarms()) expect(a.AlarmActions).toEqual([{ Ref: opsTopic }]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
  });

  it('fires when no poll succeeded for 30 minutes, including when nothing ran at all', () => {
    const a = alarms().find((x) => x.id.startsWith('MonitoringNoSuccessfulPoll'));
    expect(a).toMatchObject({
      MetricName: 'pollsSucceeded',
      Namespace: 'SanctionsRadar',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    expect((a?.Period as number) * (a?.EvaluationPeriods as number)).toBe(30 * 60);
    expect(a?.DatapointsToAlarm).toBe(a?.EvaluationPeriods);
  });

  it('has one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
