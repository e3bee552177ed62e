/**
 * The console signing in at an external OpenID Connect issuer, as in the AWS China regions: the
 * runtime trusts the issuer (test/integration/oidc-issuer.ts, on 127.0.0.1), the console sends the
 * person there with a PKCE challenge, takes the code back on /auth/callback, exchanges it, and the
 * API accepts the ID token under the issuer's own claim names — with no Content-Security-Policy
 * refusal and no accessibility violation on the way.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../integration/oidc-issuer';
import { startTestRuntime, type TestRuntime } from '../integration/support';
import { DESK, expectAccessible, heading, launchBrowser, openConsole, visible } from './support';

const CLIENT = 'incident-console';

describe('signing in at an external issuer', () => {
  let issuer: TestIssuer;
  let runtime: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    // Dongcheng's county office, as the issuer names the claims.
    issuer = await startTestIssuer(CLIENT, {
      signInAs: { sub: 'dc-duty-1', emergency_role: 'office', division_code: '110101', office_level: 'county' },
    });
    [runtime, browser] = await Promise.all([
      startTestRuntime('national', {
        externalIssuer: {
          issuer: issuer.issuer,
          audience: [CLIENT],
          claimNames: { role: 'emergency_role', region: 'division_code', level: 'office_level' },
        },
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
    await issuer?.close();
  });

  it('goes to the issuer and back with a code, and lands on the office’s duty desk', async () => {
    const desk = await openConsole(browser, runtime, { viewport: DESK });
    await visible(heading(desk.page, '登录'));
    await expectAccessible(desk.page, 'sign-in at an external issuer');

    await desk.page.getByRole('button', { name: '登录' }).click();

    await visible(heading(desk.page, '值班台'), 20_000);
    expect(new URL(desk.page.url()).origin).toBe(runtime.url);
    expect(desk.page.url()).not.toContain('code=');
    expect(desk.problems).toEqual([]);
    await desk.context.close();
  });
});
