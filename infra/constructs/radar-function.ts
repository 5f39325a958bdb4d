/**
 * The house Lambda construct: Node 22 on ARM64, an ESM bundle with source maps and the createRequire
 * banner, its own log group with retention, a role with no managed policies (only the grants made through
 * the helpers below), and the bundled feeds/measures config.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONFIG_FILES } from '../../functions/lib/runtime-config.js';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import { ENV, type EnvKey, METRICS, SERVICE_NAME } from '../../shared/config/env.js';
import { PROJECT_ROOT } from '../paths.js';

/** Lambda's code root for zip packages; the config files are copied into `<bundle>/config`. */
const BUNDLED_CONFIG_DIR = '/var/task/config';

/**
 * ESM output breaks CJS dependencies that `require()` Node built-ins (rss-parser, xml2js…);
 * a real `require` in module scope fixes it.
 */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as __radarCreateRequire } from 'node:module'; const require = __radarCreateRequire(import.meta.url);";

/**
 * Shell commands that put the config into a bundle: the two files and, with `precompile`, the
 * measures compiled (shared/adapters/fs/precompiled-measures.ts) so a cold start reads them instead
 * of compiling. Run by the synth machine after esbuild, with the project's own tsx.
 */
export function bundledConfigCommands(
  files: { readonly feeds: string; readonly measures: string },
  output: string,
  precompile: boolean,
): string[] {
  return [
    `mkdir -p "${output}/config"`,
    `cp "${files.feeds}" "${output}/config/${CONFIG_FILES.feeds}"`,
    `cp "${files.measures}" "${output}/config/${CONFIG_FILES.measures}"`,
    ...(precompile
      ? [
          `"${PROJECT_ROOT}/node_modules/.bin/tsx" "${PROJECT_ROOT}/scripts/precompile-measures.ts" "${files.measures}" "${output}/config"`,
        ]
      : []),
  ];
}

/** What a function may do on the table: actions, and whether on the base table and which indexes. */
export interface TableAccess {
  readonly actions: readonly string[];
  readonly baseTable: boolean;
  readonly indexes: readonly string[];
}

const [{ indexName: GSI1 }, { indexName: GSI2 }, { indexName: GSI3 }] = TABLE_SCHEMA.globalSecondaryIndexes;

/** Table access per function: exactly the calls DynamoDbStore makes for it, never Scan, no index wildcard. */
export const TABLE_ACCESS = {
  /** dispatch-polls: listFeedStates is one Query on gsi1. */
  listFeeds: { actions: ['dynamodb:Query'], baseTable: false, indexes: [GSI1] },
  /** query-matches: gets, item-partition queries and the three match indexes. */
  read: { actions: ['dynamodb:GetItem', 'dynamodb:Query'], baseTable: true, indexes: [GSI1, GSI2, GSI3] },
  /** poll-feed: gets, puts, the month-bucket update and batched match writes. */
  ingest: {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
    baseTable: true,
    indexes: [],
  },
  /**
   * publish-alerts: alert status and the idempotency records (get, conditional put, update, delete), and
   * the sweep's Query of pending alerts on gsi1.
   */
  publish: {
    actions: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ],
    baseTable: true,
    indexes: [GSI1],
  },
} as const satisfies Record<string, TableAccess>;

export interface RadarFunctionProps {
  /** Directory under functions/ holding handler.ts. */
  readonly functionName: 'dispatch-polls' | 'poll-feed' | 'publish-alerts' | 'query-matches';
  readonly description: string;
  /** Absolute paths of the validated config files to bundle. */
  readonly configFiles: { readonly feeds: string; readonly measures: string };
  /**
   * Bundle the measures compiled too (about 1 MB), for a function that classifies: its cold start
   * reads them instead of compiling.
   * @default false
   */
  readonly precompileMeasures?: boolean;
  readonly logRetention: RetentionDays;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Retries of asynchronous invocations. @default 2 (the Lambda default) */
  readonly retryAttempts?: number;
  /** @default METRICS.namespace */
  readonly metricsNamespace?: string;
}

/** A NodejsFunction with the house defaults, plus helpers that grant and set the env var in one call. */
export class RadarFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: RadarFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // Logs are operational, not records: they go with the stack (the table is what RETAIN keeps).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.functionName}: only the grants made by the stack`,
    });
    // Instead of AWSLambdaBasicExecutionRole (any log group): write access to its own log group only.
    this.logGroup.grantWrite(this.role);

    const { feeds, measures } = props.configFiles;
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}/functions/${props.functionName}/handler.ts`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      retryAttempts: props.retryAttempts,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [ENV.serviceName]: SERVICE_NAME,
        [ENV.configDir]: BUNDLED_CONFIG_DIR,
        [ENV.metricsNamespace]: props.metricsNamespace ?? METRICS.namespace,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        banner: CREATE_REQUIRE_BANNER,
        // Bundle the pinned SDK rather than the runtime's: same versions as the tests, faster cold start.
        externalModules: [],
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) =>
            bundledConfigCommands({ feeds, measures }, output, props.precompileMeasures ?? false),
        },
      },
    });
  }

  /** Sets one of the contract env vars (see shared/config/env.ts). */
  setEnv(key: EnvKey, value: string): this {
    this.fn.addEnvironment(ENV[key], value);
    return this;
  }

  /** Grants exactly this access (named indexes, no `index/*`) and sets the table name. */
  useTable(table: ITableV2, access: TableAccess): this {
    const resourceArns = [
      ...(access.baseTable ? [table.tableArn] : []),
      ...access.indexes.map((name) => `${table.tableArn}/index/${name}`),
    ];
    Grant.addToPrincipal({ grantee: this.fn, actions: [...access.actions], resourceArns });
    return this.setEnv('tableName', table.tableName);
  }

  /** Grants sending to the queue and sets its URL. */
  sendTo(queue: IQueue): this {
    queue.grantSendMessages(this.fn);
    return this.setEnv('pollQueueUrl', queue.queueUrl);
  }

  /** Grants publishing to the topic (and its KMS key) and sets its ARN. */
  publishTo(topic: ITopic): this {
    topic.grantPublish(this.fn);
    return this.setEnv('alertTopicArn', topic.topicArn);
  }
}
