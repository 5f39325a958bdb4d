/** Query API: HTTP API (API Gateway v2) with IAM auth → the read-only query-matches function. */
import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RadarFunction, type RadarFunctionProps, TABLE_ACCESS } from './radar-function.js';

/** The routes, exactly as the handler's route table spells them. */
export const QUERY_ROUTES = ['/matches', '/matches/{itemKey}', '/feeds'] as const;

/** HTTP API access log fields (HTTP APIs have their own $context variables, not REST's standard set). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    caller: '$context.identity.userArn',
    sourceIp: '$context.identity.sourceIp',
    responseLength: '$context.responseLength',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export interface QueryApiProps {
  readonly table: ITableV2;
  readonly functionDefaults: Pick<RadarFunctionProps, 'configFiles' | 'logRetention'>;
  /** Steady-state requests per second across the API. @default 20 */
  readonly rateLimit?: number;
}

/** The IAM-authorised HTTP API and its read-only query function. */
export class QueryApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly handler: RadarFunction;

  constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);
    this.handler = new RadarFunction(this, 'QueryMatches', {
      ...props.functionDefaults,
      functionName: 'query-matches',
      description: 'Read-only analyst queries over stored matches',
      timeout: Duration.seconds(10),
      memorySize: 512,
    }).useTable(props.table, TABLE_ACCESS.read);

    this.api = new HttpApi(this, 'Api', {
      description: 'Sanctions Radar query API (IAM auth)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    const rateLimit = props.rateLimit ?? 20;
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit: rateLimit * 2 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: props.functionDefaults.logRetention }),
        ),
        format: ACCESS_LOG_FORMAT,
      },
    });
    const integration = new HttpLambdaIntegration('QueryIntegration', this.handler.fn);
    for (const path of QUERY_ROUTES) this.api.addRoutes({ path, methods: [HttpMethod.GET], integration });
  }

  /** Base URL of the API. */
  get url(): string {
    return this.stage.url;
  }
}
