/**
 * The API trusting an external OpenID Connect issuer (a provincial identity platform, a Keycloak
 * realm), as the stacks do in the China partition: a test issuer on 127.0.0.1 serves its discovery
 * document and keys, and the runtime accepts its tokens — reading role, region, unit and level
 * under the issuer's own claim names — and refuses every token it did not sign for this API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '../../shared/adapters/http/web-security';
import { startTestIssuer, type TestIssuer } from './oidc-issuer';
import { call, startTestRuntime, type TestRuntime, tokenFor } from './support';

const AUDIENCE = 'incident-console';
const claimNames = { role: 'emergency_role', region: 'division_code', unit: 'unit_id', level: 'office_level' };

/** Beijing's inspector, as the issuer names the claims; `role` says otherwise, and must be ignored. */
const inspector = { sub: 'inspector-bj-7', emergency_role: 'inspector', division_code: '110000', role: 'reporter' };
const countyOffice = { sub: 'office-dc-1', emergency_role: 'office', division_code: '110101', office_level: 'county' };

let issuer: TestIssuer;
let runtime: TestRuntime;

beforeAll(async () => {
  issuer = await startTestIssuer(AUDIENCE);
  runtime = await startTestRuntime('national', {
    externalIssuer: { issuer: issuer.issuer, audience: [AUDIENCE, 'field-app'], claimNames },
  });
});

afterAll(async () => {
  await runtime?.close();
  await issuer?.close();
});

describe('an external OpenID Connect issuer', () => {
  it('is trusted: its RS256 and ES256 tokens are accepted, role and region read under its claim names', async () => {
    const rs256 = await issuer.sign(inspector);
    const es256 = await issuer.sign(countyOffice, { alg: 'ES256' });

    // An inspector-only route: only the mapped `emergency_role` makes this caller an inspector.
    const late = await call(runtime, 'GET', '/v1/audit/late?region=110000&from=2026-11-01', { token: rs256 });
    const board = await call(runtime, 'GET', '/v1/desk/board', { token: es256 });

    expect(late.status, late.text).toBe(200);
    expect(board.status, board.text).toBe(200);
  });

  it('accepts a token issued to any of the configured audiences', async () => {
    const token = await issuer.sign(countyOffice, { audience: 'field-app' });

    expect((await call(runtime, 'GET', '/v1/desk/board', { token })).status).toBe(200);
  });

  it.each([
    ['another issuer', { issuer: 'http://127.0.0.1:1/realms/other' }],
    ['another audience', { audience: 'someone-else' }],
    ['an expired token', { expiresIn: '-1m' }],
    ['a key the issuer never published (same kid)', { key: 'stranger' as const }],
    ['an ES256 key the issuer never published (same kid)', { key: 'stranger' as const, alg: 'ES256' as const }],
  ])('refuses %s with 401', async (_, options) => {
    const token = await issuer.sign(inspector, options);

    const answer = await call(runtime, 'GET', '/v1/desk/board', { token });

    expect(answer.status, answer.text).toBe(401);
  });

  it('refuses the local key’s tokens: only the configured issuer is trusted', async () => {
    const local = await tokenFor(runtime, { sub: 'x', role: 'inspector', region: '110000' });

    expect((await call(runtime, 'GET', '/v1/desk/board', { token: local })).status).toBe(401);
  });

  it('refuses a token of the issuer that lacks the mapped claims, saying which are needed', async () => {
    // The API's own names, not the issuer's: nothing maps them.
    const token = await issuer.sign({ sub: 'x', role: 'inspector', region: '110000' });

    const answer = await call(runtime, 'GET', '/v1/desk/board', { token });

    expect(answer.status).toBe(401);
    expect(answer.text).toMatch(/role, region, unit or level/);
  });

  it('sends the console to the issuer to sign in, and lets it talk to the issuer and the attachment store only', async () => {
    const response = await fetch(`${runtime.url}/config.json`);
    const config = (await response.json()) as { auth: unknown };
    const shell = await fetch(`${runtime.url}/`);

    expect(config.auth).toEqual({
      kind: 'oidc',
      authorizationEndpoint: `${issuer.issuer}/protocol/openid-connect/auth`,
      tokenEndpoint: `${issuer.issuer}/protocol/openid-connect/token`,
      endSessionEndpoint: `${issuer.issuer}/protocol/openid-connect/logout`,
      clientId: AUDIENCE,
      scopes: ['openid', 'profile'],
      claimNames,
    });
    expect(shell.headers.get('content-security-policy')).toBe(
      consoleContentSecurityPolicy([new URL(issuer.issuer).origin], [runtime.endpoints.s3]),
    );
    // No local sign-in beside an external issuer.
    const local = await fetch(`${runtime.url}/local/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'inspector-beijing' }),
    });
    expect(local.status).not.toBe(200);
  });
});
