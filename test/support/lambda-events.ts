/** Real-shaped Lambda events (SQS, DynamoDB stream, API Gateway v2, Scheduler payload) and a context. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type {
  APIGatewayProxyEventV2,
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** A Lambda context with plenty of time left. */
export function lambdaContext(functionName = 'radar-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/29/[$LATEST]abc',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The payload the stack's schedule sends to dispatch-polls. */
export function schedulerEvent(scheduledTime = '2026-11-29T10:00:00Z') {
  return { source: 'sanctions-radar.scheduler', scheduledTime, executionId: 'exec-1' };
}

/** An SQS event with one record per body. */
export function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, i): SQSRecord => ({
        messageId: `msg-${i}`,
        receiptHandle: `rh-${i}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1764410400000',
          SenderId: 'AROAEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1764410400001',
        },
        messageAttributes: {},
        md5OfBody: 'md5',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:poll-queue`,
        awsRegion: REGION,
      }),
    ),
  };
}

let sequence = 100;

/** A NEW_IMAGE stream record for an item as stored (plain object, or already-marshalled AttributeValues). */
export function streamRecord(
  image: Record<string, unknown>,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT',
  options: { marshalled?: boolean } = {},
): DynamoDBRecord {
  const newImage = (options.marshalled ? image : marshall(image, { removeUndefinedValues: true })) as Record<
    string,
    AttributeValue
  >;
  const seq = String(sequence++).padStart(21, '0');
  return {
    eventID: `ev-${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: 1764410400,
      Keys: { pk: newImage.pk, sk: newImage.sk } as never,
      NewImage: newImage as never,
      SequenceNumber: seq,
      SizeBytes: 512,
      StreamViewType: 'NEW_IMAGE',
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/radar/stream/2026-11-29T00:00:00.000`,
  };
}

/** A stream event from records. */
export function streamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

/** An API Gateway HTTP API (payload 2.0) request for an IAM-authorised caller. */
export function httpRequest(
  routeKey: string,
  options: { path?: string; query?: Record<string, string>; pathParameters?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const path = options.path ?? routeKey.split(' ')[1] ?? '/';
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString,
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'user-agent': 'curl/8' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '29/Nov/2026:10:00:00 +0000',
      timeEpoch: 1764410400000,
    },
    isBase64Encoded: false,
  };
}
