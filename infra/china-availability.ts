/**
 * What the stacks may use in the AWS China regions, Beijing (`cn-north-1`, operated by Sinnet) and
 * Ningxia (`cn-northwest-1`, operated by NWCD): the CloudFormation resource types, the service
 * principals and the AWS managed policies available in both. `test/infra/china-partition.test.ts`
 * fails on anything in the China templates outside these lists, so a construct that brings in a
 * new type, principal or policy is checked against the China documentation before it ships there.
 *
 * Source: the AWS China documentation, "Getting Started with Amazon Web Services in China"
 * (docs.amazonaws.cn), its service pages' "Region Availability" and "Feature Availability and
 * Implementation Differences" sections, by page title: "Amazon API Gateway", "Amazon CloudWatch",
 * "Amazon CloudWatch Logs", "Amazon DynamoDB", "Amazon EventBridge", "Amazon Identity and Access
 * Management", "Amazon Key Management Service", "Amazon Lambda", "Amazon Secrets Manager", "Amazon
 * Simple Notification Service", "Amazon Simple Queue Service", "Amazon Step Functions" and "Amazon
 * X-Ray" (each: available in the Beijing and the Ningxia Region); "Amazon Cognito" (user pools
 * not available in Beijing; Ningxia has no Cognito) and "Amazon CloudFront" (an ICP-filed alternate
 * domain for every distribution, no ACM certificates, no Lambda@Edge) — which is why neither is
 * on these lists. SMS is not sent by Amazon SNS in the China regions (Amazon SNS developer guide,
 * China edition, "Supported Regions and countries" for SMS): no SMS attribute is synthesised there.
 *
 * Compiled on {@link CHINA_AVAILABILITY_CHECKED_ON}; check the pages again before adding an entry.
 */

/** When the lists below were last compared with the pages named above. */
export const CHINA_AVAILABILITY_CHECKED_ON = '2026-12-05';

/** CloudFormation resource types available in both China regions that the stacks use. */
export const CHINA_RESOURCE_TYPES: readonly string[] = [
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::ApiMapping',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::DomainName',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::DynamoDB::Table',
  'AWS::Events::Rule',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::KMS::Key',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  // The attachments bucket and its access-log bucket, with their policies: Amazon S3 and its server
  // access logging are documented for the China regions (the China edition of the S3 API reference,
  // PutBucketLogging and BucketLoggingStatus; AWS Config's s3-bucket-logging-enabled: all regions).
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SecretsManager::Secret',
  'AWS::SNS::Subscription',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::StepFunctions::StateMachine',
];

/**
 * Service principals, as the stacks name them. In the China partition the standardized form
 * `<service>.amazonaws.com` is accepted for these services (the stacks set
 * `@aws-cdk/aws-iam:standardizedServicePrincipals`).
 */
export const CHINA_SERVICE_PRINCIPALS: readonly string[] = [
  'apigateway.amazonaws.com',
  'cloudwatch.amazonaws.com',
  'events.amazonaws.com',
  'lambda.amazonaws.com',
  // S3 server access log delivery into the attachments' access-log bucket.
  'logging.s3.amazonaws.com',
  'sns.amazonaws.com',
  'states.amazonaws.com',
];

/** AWS managed policies, with the China partition's ARN prefix. */
export const CHINA_MANAGED_POLICIES: readonly string[] = [
  'arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
];
