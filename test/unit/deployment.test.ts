/** The deployment the CDK context describes: partition, region and identity provider (infra/deployment.ts). */
import { describe, expect, it } from 'vitest';
import { deploymentFrom } from '../../infra/deployment';

const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

const issuer = { oidcIssuer: 'https://id.example.gov.cn/realms/emergency', oidcAudience: 'incident-console' };
const tencentSms = { smsSdkAppId: '1400000001', smsSignName: '应急管理', smsTemplateId: '2000001' };

describe('deploymentFrom', () => {
  it('keeps the global partition and its Cognito user pool by default', () => {
    expect(deploymentFrom(context({}))).toEqual({
      partition: 'aws',
      identity: { kind: 'cognito' },
      sms: { channel: 'sns' },
    });
    expect(deploymentFrom(context({ authDomainPrefix: 'console' }), 'eu-west-1')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      identity: { kind: 'cognito', authDomainPrefix: 'console' },
      sms: { channel: 'sns' },
    });
  });

  it('refuses the China partition without an external issuer, saying why and what to name', () => {
    expect(() => deploymentFrom(context({ partition: 'aws-cn' }))).toThrow(
      /Cognito user pools are not available in the AWS China regions: name the OpenID Connect issuer.*-c oidcIssuer=/,
    );
  });

  it('deploys to Beijing by default in China, or Ningxia when asked, and nowhere else', () => {
    expect(deploymentFrom(context({ partition: 'aws-cn', ...issuer, ...tencentSms })).region).toBe('cn-north-1');
    expect(
      deploymentFrom(context({ partition: 'aws-cn', region: 'cn-northwest-1', ...issuer, ...tencentSms })).region,
    ).toBe('cn-northwest-1');
    expect(deploymentFrom(context({ partition: 'aws-cn', ...issuer, ...tencentSms }), 'cn-northwest-1').region).toBe(
      'cn-northwest-1',
    );
    expect(() =>
      deploymentFrom(context({ partition: 'aws-cn', region: 'eu-west-1', ...issuer, ...tencentSms })),
    ).toThrow(/not in the aws-cn partition/);
    expect(() => deploymentFrom(context({ region: 'cn-north-1' }))).toThrow(/not in the aws partition/);
    expect(() => deploymentFrom(context({ partition: 'aws-us-gov' }))).toThrow(/partition must be one of aws, aws-cn/);
  });

  it('reads the external issuer, its audiences, web client, claim names and console endpoints', () => {
    const deployment = deploymentFrom(
      context({
        partition: 'aws-cn',
        ...tencentSms,
        oidcIssuer: 'https://id.example.gov.cn/realms/emergency',
        oidcAudience: '["incident-console","field-app"]',
        oidcClaims: '{"role":"emergency_role","region":"division_code"}',
        oidcAuthorizationEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/auth',
        oidcTokenEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/token',
      }),
    );

    expect(deployment.identity).toEqual({
      kind: 'external',
      issuer: 'https://id.example.gov.cn/realms/emergency',
      audience: ['incident-console', 'field-app'],
      webClientId: 'incident-console',
      claimNames: { role: 'emergency_role', region: 'division_code' },
      consoleEndpoints: {
        authorizationEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/auth',
        tokenEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/token',
      },
    });
  });

  it('sends SMS through SNS in the global partition unless told, and through Tencent Cloud in China', () => {
    expect(deploymentFrom(context({ smsChannel: 'tencent-cloud', ...tencentSms })).sms).toEqual({
      channel: 'tencent-cloud',
      sdkAppId: '1400000001',
      signName: '应急管理',
      templateId: '2000001',
      region: 'ap-beijing',
    });
    expect(() => deploymentFrom(context({ partition: 'aws-cn', ...issuer }))).toThrow(
      /Tencent Cloud SMS needs -c smsSdkAppId=… -c smsSignName=… -c smsTemplateId=…/,
    );
    expect(() => deploymentFrom(context({ partition: 'aws-cn', ...issuer, smsChannel: 'sns' }))).toThrow(
      /SNS sends no SMS in the AWS China regions/,
    );
  });

  it('refuses an issuer without an audience, over plain HTTP, or with claim names it cannot use', () => {
    expect(() => deploymentFrom(context({ oidcIssuer: issuer.oidcIssuer }))).toThrow(/needs oidcAudience/);
    expect(() => deploymentFrom(context({ ...issuer, oidcIssuer: 'http://id.example' }))).toThrow(/https:\/\//);
    expect(() => deploymentFrom(context({ ...issuer, oidcClaims: '{"role":""}' }))).toThrow(/oidcClaims.*role/);
    expect(() => deploymentFrom(context({ ...issuer, oidcClaims: '{"grade":"x"}' }))).toThrow(/oidcClaims/);
    expect(() => deploymentFrom(context({ ...issuer, oidcClaims: 'role=x' }))).toThrow(/oidcClaims is not JSON/);
    expect(() => deploymentFrom(context({ ...issuer, oidcTokenEndpoint: 'https://id.example/token' }))).toThrow(
      /both oidcAuthorizationEndpoint and oidcTokenEndpoint/,
    );
  });
});
