/**
 * The web stack: the console from a private bucket through CloudFront (origin access control), the
 * HTTP API under /v1/* on the same distribution, the console's security headers, its sign-in
 * through the user pool's managed login — and no local sign-in route anywhere on AWS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../infra/api';
import { buildApp, type PipelineApp } from '../../infra/bin/build-app';
import { WEB_CALLBACK_PATH } from '../../infra/constructs/web-sign-in';
import { LOCAL_SIGN_IN_PATH } from '../../infra/local/sign-in';
import type { CognitoAccounts } from '../../infra/stacks/stateful-stack';
import { WebStack } from '../../infra/stacks/web-stack';
import { logicalIdOf } from './logical-ids';
import { globalParts } from './synthesised';

const fastSynth = { 'aws:cdk:bundling-stacks': [] };

type Json = ReturnType<Template['toJSON']>;

let pipeline: PipelineApp;
let webStack: WebStack;
let accounts: CognitoAccounts;
let web: Json;
let stateful: Json;
let stateless: Json;

beforeAll(() => {
  pipeline = buildApp({ context: fastSynth, nag: false, env: {} });
  ({ web: webStack, accounts } = globalParts(pipeline));
  web = Template.fromStack(webStack).toJSON();
  stateful = Template.fromStack(pipeline.stateful).toJSON();
  stateless = Template.fromStack(pipeline.stateless).toJSON();
});

const resourcesOfType = (template: Json, type: string): Json[] =>
  Object.values<Json>(template.Resources).filter((resource) => resource.Type === type);

const only = (template: Json, type: string): Json => {
  const found = resourcesOfType(template, type);
  expect(found, type).toHaveLength(1);
  return found[0] as Json;
};

/** A value with its CloudFormation functions flattened to text, to read what a policy says. */
const text = (value: unknown): string => JSON.stringify(webStack.resolve(value));

describe('web stack', () => {
  const distribution = () => only(web, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;

  it('keeps the console in a private bucket that only the distribution reads, through origin access control', () => {
    const consoleBucket = logicalIdOf(webStack.bucket);
    const bucket = web.Resources[consoleBucket].Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const [s3Origin] = distribution().Origins;
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    const policy = resourcesOfType(web, 'AWS::S3::BucketPolicy').find((p) => p.Properties.Bucket.Ref === consoleBucket)
      ?.Properties.PolicyDocument.Statement;
    const grant = policy.find((s: Json) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(grant.Action).toBe('s3:GetObject');
    expect(JSON.stringify(grant.Condition)).toContain(logicalIdOf(webStack.distribution));
    // And nothing over plain HTTP.
    expect(
      policy.some((s: Json) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
    ).toBe(true);
  });

  it('routes /v1/* to the HTTP API on the same distribution, uncached, every method, the token passed through', () => {
    const [behavior] = distribution().CacheBehaviors;
    expect(behavior.PathPattern).toBe('/v1/*');
    expect(behavior.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    const apiOrigin = distribution().Origins.find((o: Json) => o.Id === behavior.TargetOriginId);
    expect(apiOrigin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(logicalIdOf(pipeline.stateless.httpApi));
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
  });

  it('sends a Content-Security-Policy without inline script, HSTS and no framing, on the console and the API alike', () => {
    const headers = only(web, 'AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // The only other place the console talks to: the managed login's token endpoint.
    expect(csp).toContain('.amazoncognito.com');
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ContentTypeOptions.Override).toBe(true);
    const policyId = { Ref: logicalIdOf(webStack.node.findChild('SecurityHeaders')) };
    expect(distribution().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyId);
    expect(distribution().CacheBehaviors[0].ResponseHeadersPolicyId).toEqual(policyId);
  });

  it('answers client-side routes with the app shell, and only on the console’s behavior', () => {
    const fn = only(web, 'AWS::CloudFront::Function').Properties;
    expect(fn.FunctionCode).toContain("request.uri = '/index.html'");
    expect(distribution().DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    expect(distribution().CacheBehaviors[0].FunctionAssociations).toBeUndefined();
    expect(distribution().DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution().Logging.Prefix).toBe('cloudfront/');
  });

  it('deploys the built console, and a config.json that names the managed login and the web client', () => {
    const deployments = resourcesOfType(web, 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    const config = webStack.consoleConfig;
    expect(config.auth.kind).toBe('oidc');
    if (config.auth.kind !== 'oidc') return;
    expect(text(config.auth.clientId)).toContain(logicalIdOf(accounts.webSignIn.client));
    expect(text(config.auth.authorizationEndpoint)).toMatch(/\.amazoncognito\.com.*\/oauth2\/authorize/);
    expect(text(config.auth.tokenEndpoint)).toMatch(/\.amazoncognito\.com.*\/oauth2\/token/);
    expect(text(config.auth.endSessionEndpoint)).toMatch(/\.amazoncognito\.com.*\/logout/);
    expect(config.auth.scopes).toEqual(['openid', 'profile']);
    expect(config.unitLimits.defaultMs).toBe(3_600_000);
  });

  it('gives the web client the managed login: authorization code only, no secret, its callback on the distribution', () => {
    const client = resourcesOfType(stateful, 'AWS::Cognito::UserPoolClient').find(
      (c) => c.Properties.ClientName === 'incident-console',
    )?.Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'profile']);
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.WriteAttributes).not.toEqual(expect.arrayContaining([expect.stringMatching(/^custom:/)]));
    expect(only(stateful, 'AWS::Cognito::UserPoolDomain').Properties.ManagedLoginVersion).toBe(2);

    // The web stack sets the callback to the distribution, restating every other setting as it is.
    const update = JSON.parse(
      JSON.stringify(only(web, 'Custom::AWS').Properties.Update).replace(/\{"Fn::[^}]*\}\]?\}/g, '"x"'),
    );
    expect(update).toBeDefined();
    const call = accounts.webSignIn.webClientUpdate(['https://d.example']);
    for (const [key, value] of Object.entries({
      AllowedOAuthFlows: client.AllowedOAuthFlows,
      AllowedOAuthScopes: client.AllowedOAuthScopes,
      ExplicitAuthFlows: client.ExplicitAuthFlows,
      ReadAttributes: client.ReadAttributes,
      WriteAttributes: client.WriteAttributes,
      AccessTokenValidity: client.AccessTokenValidity,
      IdTokenValidity: client.IdTokenValidity,
      RefreshTokenValidity: client.RefreshTokenValidity,
      TokenValidityUnits: client.TokenValidityUnits,
      PreventUserExistenceErrors: client.PreventUserExistenceErrors,
      EnableTokenRevocation: client.EnableTokenRevocation,
      SupportedIdentityProviders: client.SupportedIdentityProviders,
      ClientName: client.ClientName,
    })) {
      expect(call[key], key).toEqual(value);
    }
    const updateText = text(only(web, 'Custom::AWS').Properties.Update);
    expect(updateText).toContain(`${WEB_CALLBACK_PATH}`);
    expect(updateText).toContain(logicalIdOf(webStack.distribution));
  });

  it('has no local sign-in route on AWS: not in the API, not in any stack', () => {
    expect(routes.map((r) => r.path).filter((path) => path.startsWith('/local'))).toEqual([]);
    const routeKeys = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route').map(
      (r) => r.Properties.RouteKey as string,
    );
    expect(routeKeys.length).toBeGreaterThan(0);
    expect(routeKeys.filter((key) => key.includes('/local'))).toEqual([]);
    for (const template of [web, stateful, stateless])
      expect(JSON.stringify(template)).not.toContain(LOCAL_SIGN_IN_PATH);
  });

  it('refuses to synthesise without a built console, saying how to build it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-console-'));
    try {
      const app = new App();
      const stack = new Stack(app, 'Other');
      expect(
        () =>
          new WebStack(app, 'Web', {
            httpApi: pipeline.stateless.httpApi,
            signIn: { kind: 'cognito', accounts },
            attachments: pipeline.stateful.buckets.attachments,
            webDist: empty,
          }),
      ).toThrow(/npm run build:web/);
      expect(stack.node.children).toHaveLength(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('serves a custom domain (ICP-filed, in mainland China) with its certificate and TLS 1.2 at least', () => {
    const custom = buildApp({
      context: {
        ...fastSynth,
        webDomain: 'console.example.gov.cn',
        webCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
      },
      nag: false,
      env: {},
    });
    const config = Template.fromStack(globalParts(custom).web).toJSON();
    const distributionConfig = Object.values<Json>(config.Resources).find(
      (r) => r.Type === 'AWS::CloudFront::Distribution',
    )?.Properties.DistributionConfig;
    expect(distributionConfig.Aliases).toEqual(['console.example.gov.cn']);
    expect(distributionConfig.ViewerCertificate.MinimumProtocolVersion).toBe('TLSv1.2_2021');
    const client = Object.values<Json>(Template.fromStack(custom.stateful).toJSON().Resources).find(
      (r) => r.Properties?.ClientName === 'incident-console',
    )?.Properties;
    expect(client.CallbackURLs).toEqual([`https://console.example.gov.cn${WEB_CALLBACK_PATH}`]);
  });
});
