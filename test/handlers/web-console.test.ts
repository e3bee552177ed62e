/**
 * The console function behind the HTTP API's default route (China regions): the console's files
 * with their security headers, HSTS, and a config.json that sends people to the operator's issuer.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleContentSecurityPolicy } from '../../shared/adapters/http/web-security';

const auth = {
  kind: 'oidc',
  authorizationEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/auth',
  tokenEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/token',
  clientId: 'incident-console',
  scopes: ['openid', 'profile'],
};

const ATTACHMENTS = 'https://attachments-bucket.s3.cn-north-1.amazonaws.com.cn';

let handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

beforeAll(async () => {
  vi.stubEnv('CONSOLE_AUTH', JSON.stringify(auth));
  vi.stubEnv('ATTACHMENT_ORIGIN', ATTACHMENTS);
  ({ handler } = await import('../../functions/web-console/handler'));
});

const get = (path: string, method = 'GET') =>
  handler({
    rawPath: path,
    headers: {},
    requestContext: { http: { method } },
  } as unknown as APIGatewayProxyEventV2);

describe('the console function', () => {
  it('answers config.json with the issuer’s sign-in and the national policy’s unit limits, and lets photos reach the bucket', async () => {
    const answer = await get('/config.json');
    const config = JSON.parse(Buffer.from(answer.body ?? '', 'base64').toString('utf8'));

    expect(answer.statusCode).toBe(200);
    expect(config.auth).toEqual(auth);
    expect(config.unitLimits.policy).toBe('national');
    expect(answer.headers?.['content-security-policy']).toBe(
      consoleContentSecurityPolicy(['https://id.example.gov.cn'], [ATTACHMENTS]),
    );
    expect(answer.headers?.['strict-transport-security']).toMatch(/max-age=31536000/);
  });

  it('answers a client-side route with the app shell, and leaves the API’s paths and other methods alone', async () => {
    expect((await get('/incidents/INC-1')).statusCode).toBe(200);
    expect((await get('/v1/nothing')).statusCode).toBe(404);
    expect((await get('/config.json', 'POST')).statusCode).toBe(404);
    expect((await get('/../../etc/passwd.txt')).statusCode).toBe(404);
  });
});
