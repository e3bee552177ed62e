/**
 * The stacks in the AWS China partition (`-c partition=aws-cn`): every resource type, service
 * principal and managed policy is one the China regions offer (infra/china-availability.ts), no
 * Cognito, no CloudFront, no `arn:aws:` literal or global-only endpoint, the API trusting the
 * operator's issuer under its own claim names, and cdk-nag clean.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipelineApp } from '../../infra/bin/build-app';
import { CHINA_MANAGED_POLICIES, CHINA_RESOURCE_TYPES, CHINA_SERVICE_PRINCIPALS } from '../../infra/china-availability';
import { TOKEN_CLAIMS_ENV } from '../../shared/schemas/claims';
import { logicalIdOf } from './logical-ids';
import { chinaContext, type Json, synthesisedChinaPipeline } from './synthesised';

let pipeline: PipelineApp;
let templates: Json[];
let validationReport: Json;

beforeAll(() => {
  const china = synthesisedChinaPipeline();
  ({ pipeline, validationReport } = china);
  templates = [china.stateful, china.stateless];
});

const resources = (): Json[] => templates.flatMap((template) => Object.values<Json>(template.Resources));

/** Every value found under `key` anywhere in `value`. */
const valuesUnder = (value: unknown, key: string): unknown[] => {
  if (Array.isArray(value)) return value.flatMap((item) => valuesUnder(item, key));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([name, inner]) => [
    ...(name === key ? [inner] : []),
    ...valuesUnder(inner, key),
  ]);
};

/** A string as CloudFormation would resolve it in the China partition (joins of text and AWS::Partition). */
const inChina = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const json = value as Json;
    if (json.Ref === 'AWS::Partition') return 'aws-cn';
    if (Array.isArray(json['Fn::Join']))
      return (json['Fn::Join'][1] as unknown[]).map(inChina).join(json['Fn::Join'][0]);
  }
  return JSON.stringify(value);
};

describe('the China partition', () => {
  it('deploys to Beijing by default, in the aws-cn partition', () => {
    expect(pipeline.deployment).toMatchObject({ partition: 'aws-cn', region: 'cn-north-1' });
    expect(pipeline.stateful.region).toBe('cn-north-1');
    expect(pipeline.web).toBeUndefined();
  });

  it('uses only resource types available in both China regions', () => {
    const types = [...new Set(resources().map((resource) => resource.Type as string))];

    expect(types.length).toBeGreaterThan(10);
    expect(types.filter((type) => !CHINA_RESOURCE_TYPES.includes(type))).toEqual([]);
  });

  it('synthesises no Cognito and no CloudFront resource', () => {
    expect(resources().filter((resource) => /^AWS::(Cognito|CloudFront)::/.test(resource.Type))).toEqual([]);
  });

  it('names only service principals available in the China regions', () => {
    const principals = valuesUnder(templates, 'Service').flatMap((service) =>
      (Array.isArray(service) ? service : [service]).map(inChina),
    );

    expect(principals.length).toBeGreaterThan(0);
    expect([...new Set(principals)].filter((principal) => !CHINA_SERVICE_PRINCIPALS.includes(principal))).toEqual([]);
  });

  it('attaches only managed policies that exist in the China partition', () => {
    const policies = valuesUnder(templates, 'ManagedPolicyArns').flatMap((arns) => (arns as unknown[]).map(inChina));

    expect(policies.filter((arn) => !CHINA_MANAGED_POLICIES.includes(arn))).toEqual([]);
  });

  it('has no global-partition ARN literal, global-only endpoint or SNS SMS attribute', () => {
    const text = JSON.stringify(templates);

    expect(text).not.toMatch(/arn:aws:/);
    expect(text).not.toMatch(/amazoncognito\.com|cognito-idp|cloudfront\.net|\.amazonaws\.com\//);
    expect(text).not.toMatch(/"Protocol":"sms"|SMSAttributes|DefaultSMSType|DeliveryStatusIAMRole/);
  });

  it('passes CDK’s CloudFormation validation for cn-north-1 with no finding', () => {
    expect(validationReport.pluginReports).toEqual([]);
  });

  it('authorizes with the operator’s issuer and audiences, and gives the API its claim names', () => {
    const [authorizer] = resources().filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Authorizer');
    const claimNames = JSON.parse(chinaContext.oidcClaims);

    expect(authorizer?.Properties.JwtConfiguration).toEqual({
      Issuer: chinaContext.oidcIssuer,
      Audience: ['incident-console', 'incident-field-app'],
    });
    const apiFunctions = Object.values(pipeline.stateless.apiFunctions);
    const environments = resources()
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => resource.Properties.Environment?.Variables ?? {});
    expect(environments.filter((variables) => variables[TOKEN_CLAIMS_ENV] !== undefined)).toHaveLength(
      apiFunctions.length,
    );
    for (const variables of environments.filter((v) => v[TOKEN_CLAIMS_ENV] !== undefined)) {
      expect(JSON.parse(variables[TOKEN_CLAIMS_ENV])).toEqual(claimNames);
    }
  });

  it('sends officers’ SMS through the provider: the SMS worker and the delivery-report pull read its keys from the stack’s secret', () => {
    const [secretId] = Object.entries<Json>(templates[0]?.Resources ?? {}).find(
      ([, resource]) => resource.Type === 'AWS::SecretsManager::Secret',
    ) ?? [''];
    expect(secretId).not.toBe('');
    const { deliverSms, recordSmsReports } = pipeline.stateless.workerFunctions;
    for (const worker of [deliverSms, recordSmsReports]) {
      const variables = templates[1]?.Resources[logicalIdOf(worker)]?.Properties.Environment.Variables;
      expect(variables).toMatchObject({
        OFFICER_SMS_CHANNEL: 'tencent-cloud',
        SMS_SDK_APP_ID: chinaContext.smsSdkAppId,
        SMS_SIGN_NAME: chinaContext.smsSignName,
        SMS_TEMPLATE_ID: chinaContext.smsTemplateId,
      });
      expect(JSON.stringify(variables.SMS_CREDENTIALS_SECRET_ARN)).toContain(secretId);
    }
  });

  it('serves the web console from the API’s own ICP-filed domain, signing in at the operator’s issuer', () => {
    const routes = resources()
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
      .map((resource) => resource.Properties);
    const consoleRoutes = routes.filter((route) => ['GET /', 'GET /{proxy+}'].includes(route.RouteKey));
    const [domain] = resources().filter((resource) => resource.Type === 'AWS::ApiGatewayV2::DomainName');
    const consoleFunction = pipeline.stateless.node.findChild('WebConsoleFunction');
    const variables = templates[1]?.Resources[logicalIdOf(consoleFunction)]?.Properties.Environment.Variables;

    expect(consoleRoutes.map((route) => route.AuthorizationType)).toEqual(['NONE', 'NONE']);
    expect(
      routes
        .filter((route) => route.RouteKey.includes('/v1/') && !route.RouteKey.endsWith('/openapi.json'))
        .every((r) => r.AuthorizationType === 'JWT'),
    ).toBe(true);
    expect(domain?.Properties.DomainName).toBe(chinaContext.webDomain);
    expect(domain?.Properties.DomainNameConfigurations[0].CertificateArn).toBe(chinaContext.webCertificateArn);
    expect(resources().some((resource) => resource.Type === 'AWS::ApiGatewayV2::ApiMapping')).toBe(true);
    expect(JSON.parse(variables.CONSOLE_AUTH)).toEqual({
      kind: 'oidc',
      authorizationEndpoint: chinaContext.oidcAuthorizationEndpoint,
      tokenEndpoint: chinaContext.oidcTokenEndpoint,
      endSessionEndpoint: chinaContext.oidcEndSessionEndpoint,
      clientId: 'incident-console',
      scopes: ['openid', 'profile'],
      claimNames: JSON.parse(chinaContext.oidcClaims),
    });
    // Where it serves the console, its failures page the operators like every other function's.
    const alarms = resources().filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');
    expect(
      alarms.some(
        (alarm) =>
          alarm.Properties.MetricName === 'Errors' &&
          JSON.stringify(alarm.Properties.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalIdOf(consoleFunction) } }]),
      ),
    ).toBe(true);
  });

  it('is clean under cdk-nag’s AWS Solutions checks', () => {
    const violations = new AwsSolutionsChecks().validateScope(pipeline.app).violations;

    expect(
      violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });
});
