/**
 * Monthly cost estimate of the deployed stack (`npm run cost`), for 100 and 1,000 feeds at the default
 * schedule. A model, not a quote: every assumption and every us-east-1 list price it uses is printed,
 * free tiers are ignored (so small items are over-, not under-estimated). Override the feed counts with
 * `npm run cost -- 250 5000`.
 */

/** us-east-1 list prices in USD (AWS price pages; verify before relying on them). */
export const PRICES = {
  schedulerPerMillionInvocations: 1.0,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  sqsStandardPerMillionRequests: 0.4,
  dynamoOnDemandPerMillionWriteUnits: 0.625,
  dynamoOnDemandPerMillionReadUnits: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  dynamoPitrPerGbMonth: 0.2,
  logsIngestionPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  customMetricPerMonth: 0.3,
  standardAlarmPerMonth: 0.1,
  dashboardPerMonth: 3.0,
  kmsKeyPerMonth: 1.0,
  kmsPerTenThousandRequests: 0.03,
  snsPublishPerMillion: 0.5,
  snsEmailPer100k: 2.0,
  /** US destination, transactional; other countries differ a lot (see the SNS SMS pricing page). */
  snsSmsUsPerMessage: 0.00581,
  httpApiPerMillionRequests: 1.0,
} as const;

/** Workload assumptions; each one is printed with the estimate. */
export const ASSUMPTIONS = {
  scheduleMinutes: 5,
  daysPerMonth: 30,
  /** poll-feed: SQS batch size and the wall time of a batch (feeds fetched in parallel). */
  pollBatchSize: 5,
  pollInvocationSeconds: 1.5,
  pollMemoryGb: 1,
  /** dispatch-polls: fixed part plus one SendMessageBatch (10 feeds) of about 15 ms. */
  dispatchBaseSeconds: 0.15,
  dispatchSecondsPer10Feeds: 0.015,
  dispatchMemoryGb: 0.25,
  /** Share of polls answered 200 (the rest 304 Not Modified, which reads no items). */
  changedPollShare: 0.5,
  itemsPerFeedDocument: 30,
  newItemsPerFeedPerDay: 20,
  /** Share of new items that match at least one measure, and measures per matching item. */
  matchShare: 0.05,
  measuresPerMatch: 1.5,
  /** Write units: feed state (table + gsi1), a new item (written twice, ~1.5 KB), a match (table + 3 GSIs). */
  feedStateWriteUnits: 2,
  newItemWriteUnits: 4,
  matchWriteUnits: 8,
  /** An alert: create (table + pending GSI), mark published, idempotency put + update. */
  alertWriteUnits: 8,
  /** A new item's link lookup record (GUID-stability check): one read and one write. */
  linkUnitsPerNewItem: 1,
  /** Story identity, only for matching items: 12 band reads + the story read; 12 band claims + story + source. */
  storyReadUnitsPerMatchedItem: 13,
  storyWriteUnitsPerMatchedItem: 14,
  storedBytesPerNewItem: 2500,
  storedBytesPerMatch: 1500,
  /** Logs per polled feed (JSON lines + EMF + the Lambda platform lines, amortised). */
  logBytesPerPoll: 1500,
  /** Idle long polling of the SQS event source: 5 pollers, one 20 s receive each. */
  sqsIdleReceivesPerMonth: 5 * 3 * 60 * 24 * 30,
  customMetrics: 8,
  alarms: 11,
  /** Alert fan-out: subscribers per protocol, and analysts' API calls. */
  emailSubscribers: 3,
  smsSubscribers: 1,
  /** Fraction of alerts an SMS subscriber's filter lets through. */
  smsFilterShare: 0.2,
  apiRequestsPerMonth: 10_000,
} as const;

export interface LineItem {
  service: string;
  usage: string;
  usd: number;
}

const M = 1_000_000;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3));
const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Monthly line items for `feeds` feeds; `monthsOfData` sets how much history is stored. */
export function estimate(feeds: number, monthsOfData = 12): LineItem[] {
  const a = ASSUMPTIONS;
  const p = PRICES;
  const ticks = (a.daysPerMonth * 24 * 60) / a.scheduleMinutes;
  const polls = feeds * ticks;
  const newItems = feeds * a.newItemsPerFeedPerDay * a.daysPerMonth;
  const matchedItems = newItems * a.matchShare;
  const matches = matchedItems * a.measuresPerMatch;
  // One alert per story; syndication makes stories fewer than matched items (assumed 1 : 1.3).
  const alerts = matchedItems / 1.3;

  const dispatchSeconds = ticks * (a.dispatchBaseSeconds + (feeds / 10) * a.dispatchSecondsPer10Feeds);
  const pollInvocations = polls / a.pollBatchSize;
  const publishInvocations = alerts;
  const lambdaRequests = ticks + pollInvocations + publishInvocations + a.apiRequestsPerMonth;
  const gbSeconds =
    dispatchSeconds * a.dispatchMemoryGb +
    pollInvocations * a.pollInvocationSeconds * a.pollMemoryGb +
    publishInvocations * 0.3 * 0.5 +
    a.apiRequestsPerMonth * 0.1 * 0.5;

  const sqsRequests = polls / 10 + pollInvocations * 2 + a.sqsIdleReceivesPerMonth;
  const readUnits =
    polls * (1 + a.changedPollShare * a.itemsPerFeedDocument) +
    newItems * a.linkUnitsPerNewItem +
    matchedItems * a.storyReadUnitsPerMatchedItem +
    alerts +
    a.apiRequestsPerMonth * 10;
  const writeUnits =
    polls * a.feedStateWriteUnits +
    newItems * (a.newItemWriteUnits + a.linkUnitsPerNewItem) +
    matchedItems * a.storyWriteUnitsPerMatchedItem +
    matches * a.matchWriteUnits +
    alerts * a.alertWriteUnits;
  const storedGb =
    ((newItems * a.storedBytesPerNewItem + matches * a.storedBytesPerMatch) * monthsOfData) / 1e9;
  const logGb = (polls * a.logBytesPerPoll) / 1e9;
  const emails = alerts * a.emailSubscribers;
  const sms = alerts * a.smsSubscribers * a.smsFilterShare;

  return [
    {
      service: 'EventBridge Scheduler',
      usage: `${count(ticks)} runs`,
      usd: (ticks / M) * p.schedulerPerMillionInvocations,
    },
    {
      service: 'Lambda (arm64)',
      usage: `${count(lambdaRequests)} requests, ${count(gbSeconds)} GB-s`,
      usd: (lambdaRequests / M) * p.lambdaPerMillionRequests + gbSeconds * p.lambdaArmPerGbSecond,
    },
    {
      service: 'SQS',
      usage: `${count(sqsRequests)} requests`,
      usd: (sqsRequests / M) * p.sqsStandardPerMillionRequests,
    },
    {
      service: 'DynamoDB on-demand',
      usage: `${count(readUnits)} RRU, ${count(writeUnits)} WRU`,
      usd:
        (readUnits / M) * p.dynamoOnDemandPerMillionReadUnits +
        (writeUnits / M) * p.dynamoOnDemandPerMillionWriteUnits,
    },
    {
      service: 'DynamoDB storage + PITR',
      usage: `${storedGb.toFixed(2)} GB after ${monthsOfData} months`,
      usd: storedGb * (p.dynamoStoragePerGbMonth + p.dynamoPitrPerGbMonth),
    },
    {
      service: 'CloudWatch Logs',
      usage: `${logGb.toFixed(2)} GB ingested`,
      usd: logGb * p.logsIngestionPerGb + logGb * p.logsStoragePerGbMonth,
    },
    {
      service: 'CloudWatch metrics, alarms, dashboard',
      usage: `${a.customMetrics} metrics, ${a.alarms} alarms, 1 dashboard`,
      usd:
        a.customMetrics * p.customMetricPerMonth + a.alarms * p.standardAlarmPerMonth + p.dashboardPerMonth,
    },
    {
      service: 'KMS (topic key)',
      usage: `1 key, ~${count(alerts * 2)} requests`,
      usd: p.kmsKeyPerMonth + ((alerts * 2) / 10_000) * p.kmsPerTenThousandRequests,
    },
    {
      service: 'SNS',
      usage: `${count(alerts)} alerts → ${count(emails)} emails, ${count(sms)} US SMS`,
      usd:
        (alerts / M) * p.snsPublishPerMillion +
        (emails / 100_000) * p.snsEmailPer100k +
        sms * p.snsSmsUsPerMessage,
    },
    {
      service: 'API Gateway HTTP API',
      usage: `${count(a.apiRequestsPerMonth)} requests`,
      usd: (a.apiRequestsPerMonth / M) * p.httpApiPerMillionRequests,
    },
  ];
}

function table(feeds: number): string {
  const items = estimate(feeds);
  const total = items.reduce((s, i) => s + i.usd, 0);
  const rows = items.map((i) => `  ${i.service.padEnd(40)}${`$${fmt(i.usd)}`.padStart(10)}   ${i.usage}`);
  return [
    `${feeds.toLocaleString('en-US')} feeds, polled every ${ASSUMPTIONS.scheduleMinutes} min:`,
    ...rows,
    `  ${'TOTAL per month'.padEnd(40)}${`$${fmt(total)}`.padStart(10)}`,
  ].join('\n');
}

function main(argv: string[]): void {
  const counts = argv.length > 0 ? argv.map(Number) : [100, 1000];
  const bad = argv.find((s) => !Number.isInteger(Number(s)) || Number(s) < 1);
  if (bad !== undefined) {
    process.stderr.write(`cost-model: feed count must be a positive integer, got "${bad}"\n`);
    process.exitCode = 2;
    return;
  }
  const out = [
    'Sanctions Radar — monthly cost estimate (us-east-1 list prices, free tiers ignored)',
    '',
    ...counts.flatMap((n) => [table(n), '']),
    'Assumptions:',
    ...Object.entries(ASSUMPTIONS).map(([k, v]) => `  ${k}: ${v}`),
    '',
    'Prices (USD):',
    ...Object.entries(PRICES).map(([k, v]) => `  ${k}: ${v}`),
    '',
    'Not included: data transfer (feeds are inbound, free), SMS outside the US, Lambda/SQS/SNS free tiers,',
    'and the retained table after `cdk destroy` (storage keeps being billed until you delete it).',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
