/**
 * The list prices the cost model (`npm run cost`) uses: one region, one date, each with the page it
 * is published on. On-demand prices of the first tier, without the free tier, in US dollars. The
 * China regions (Beijing, Ningxia) are priced separately, in yuan, on amazonaws.cn: re-price there
 * before quoting a figure for a deployment in China. The prices are those the pages published in
 * mid-2025 (DynamoDB's on-demand prices after their November 2024 reduction), not re-read since:
 * check each page before relying on a figure.
 */
export const PRICES = {
  region: 'us-east-1 (N. Virginia)',
  currency: 'USD',
  asOf: '2025-06',
  /** API Gateway HTTP API, per request (first 300 million a month). */
  apiRequest: { price: 1.0 / 1e6, source: 'https://aws.amazon.com/api-gateway/pricing/' },
  /** Lambda, per invocation. */
  lambdaRequest: { price: 0.2 / 1e6, source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Lambda on Arm (the functions' architecture), per GB-second (first tier). */
  lambdaGbSecond: { price: 0.000_013_333_4, source: 'https://aws.amazon.com/lambda/pricing/' },
  /** DynamoDB on-demand, per write request unit. */
  dynamodbWriteUnit: { price: 0.625 / 1e6, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  /** DynamoDB on-demand, per read request unit. */
  dynamodbReadUnit: { price: 0.125 / 1e6, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  /** Step Functions standard workflows, per state transition. */
  stateTransition: { price: 0.025 / 1e3, source: 'https://aws.amazon.com/step-functions/pricing/' },
  /** SNS standard topics, per publish (up to 64 KB); deliveries to SQS queues are free. */
  snsPublish: { price: 0.5 / 1e6, source: 'https://aws.amazon.com/sns/pricing/' },
  /** SNS deliveries to e-mail subscriptions, per notification ($2.00 per 100,000). */
  snsEmailDelivery: { price: 2.0 / 1e5, source: 'https://aws.amazon.com/sns/pricing/' },
  /** SQS standard queues, per request (up to 64 KB). */
  sqsRequest: { price: 0.4 / 1e6, source: 'https://aws.amazon.com/sqs/pricing/' },
  /** CloudWatch Logs, per GB ingested (where the functions' logs and EMF metrics go). */
  logsGb: { price: 0.5, source: 'https://aws.amazon.com/cloudwatch/pricing/' },
} as const;

export type Prices = typeof PRICES;
