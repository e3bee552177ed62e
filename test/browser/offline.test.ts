/**
 * The outbox in Chromium against the real local runtime: nothing typed is lost, nothing is sent
 * twice. The console opens with no network once it has been opened; a report made offline waits on
 * the device — through a closed page — and is delivered once when the network returns; a lost
 * answer, a 503 and a 429 keep it in the outbox, and it still creates exactly one incident.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestRuntime, type TestRuntime, tokenFor } from '../integration/support';
import {
  connectBrowser,
  expectAccessible,
  fillReport,
  heading,
  type InPage,
  openConsole,
  screenshot,
  signIn,
  UNIT,
  untilServiceWorkerControls,
  visible,
  watch,
} from './support';

describe('the outbox in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let unitToken: string;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(), connectBrowser()]);
    unitToken = await tokenFor(runtime, { sub: 'check', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  /** The unit's incidents of one subtype, as the API has them. */
  const incidentsOf = async (subtype: string): Promise<string[]> => {
    const answer = await call(runtime, 'GET', '/v1/units/DC-JDJ/incidents?limit=200', { token: unitToken });
    expect(answer.status).toBe(200);
    return (answer.body as { items: { incidentId: string; subtype: string }[] }).items
      .filter((i) => i.subtype === subtype)
      .map((i) => i.incidentId);
  };

  const submitNewReport = async (page: Page, subtype: string): Promise<void> => {
    await page.getByRole('navigation').getByRole('link', { name: '新报告' }).click();
    await visible(heading(page, '新报告（初报）'));
    await fillReport(page, { subtype });
    await page.getByRole('button', { name: '提交初报' }).click();
  };

  it('opens offline, keeps a report made offline through a closed page, and delivers it once online', async () => {
    const { context, page, problems } = await openConsole(browser, runtime);
    await signIn(page, UNIT);
    await visible(heading(page, '报告单位工作台'));
    await untilServiceWorkerControls(page);

    await context.setOffline(true);
    await page.reload();
    await visible(heading(page, '报告单位工作台'));
    await visible(page.getByRole('status').filter({ hasText: '当前无网络' }));

    await submitNewReport(page, '离线山体滑坡');
    await visible(page.getByText(/已保存在本机（.*），联网后自动发送/));
    await expectAccessible(page, 'saved offline');
    await screenshot(page, 'outbox-offline');

    // The tab is closed; a new one opens the console, still offline: the report is still there.
    await page.close();
    const reopened = await context.newPage();
    watch(reopened, problems);
    await reopened.goto('/');
    await visible(heading(reopened, '登录'));
    await visible(reopened.getByText('本机保存有 1 份尚未送达的报告，登录后会自动发送。'));
    expect(await incidentsOf('离线山体滑坡')).toEqual([]);

    await context.setOffline(false);
    await signIn(reopened, UNIT);
    await reopened
      .getByRole('navigation')
      .getByRole('link', { name: /待发送/ })
      .click();
    await visible(reopened.getByText(/^已送达/), 15_000);
    expect(await incidentsOf('离线山体滑坡')).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps the report through a 503, a 429 (waiting out Retry-After) and a lost answer, and creates one incident', async () => {
    const { context, page, problems } = await openConsole(browser, runtime);
    await signIn(page, UNIT);
    await visible(heading(page, '报告单位工作台'));

    const attempts: { at: number; key: string | undefined }[] = [];
    await context.route('**/v1/reports', async (route: Route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      attempts.push({ at: Date.now(), key: request.headers()['idempotency-key'] });
      const error = (code: string) => JSON.stringify({ error: { code, message: code } });
      switch (attempts.length) {
        case 1:
          return route.fulfill({ status: 503, contentType: 'application/json', body: error('unavailable') });
        case 2:
          return route.fulfill({
            status: 429,
            contentType: 'application/json',
            headers: { 'retry-after': '2' },
            body: error('too-many-requests'),
          });
        case 3: {
          // The request reaches the API, which creates the incident; its answer never arrives.
          await route.fetch();
          return route.abort('connectionreset');
        }
        default:
          return route.continue();
      }
    });

    await submitNewReport(page, '应答丢失');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /待发送/ })
      .click();
    const sendNow = page.getByRole('button', { name: '立即发送' });

    await visible(page.getByText(/已试 1 次/));
    await sendNow.click();
    await visible(page.getByText(/已试 2 次/));
    // "Send now" does not override the API's Retry-After: the next attempt waits its two seconds.
    await sendNow.click();
    await visible(page.getByText(/已试 3 次/), 15_000);
    expect((attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(await incidentsOf('应答丢失')).toHaveLength(1);

    await sendNow.click();
    await visible(page.getByText(/^已送达/));
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((a) => a.key)).size).toBe(1);
    expect(await incidentsOf('应答丢失')).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps the report when the API refuses the token, asks to sign in again, then sends it', async () => {
    const { context, page, problems } = await openConsole(browser, runtime);
    await signIn(page, UNIT);
    await visible(heading(page, '报告单位工作台'));
    // The stored token's signature no longer verifies (a rotated key, a tampered token): the API answers 401.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as InPage).sessionStorage;
      const session = JSON.parse(storage.getItem('console.session') ?? '{}') as { idToken: string };
      storage.setItem(
        'console.session',
        JSON.stringify({ ...session, idToken: `${session.idToken.slice(0, -4)}AAAA` }),
      );
    });
    // Straight to the form, which reads nothing from the API: the refusal comes when the report is sent.
    await page.goto('/report/new');
    await visible(heading(page, '新报告（初报）'));
    await fillReport(page, { subtype: '令牌失效' });
    await page.getByRole('button', { name: '提交初报' }).click();
    await visible(heading(page, '登录'));
    await visible(page.getByText('登录已过期，请重新登录。未发送的内容已保存在本机，登录后会自动发送。'));
    expect(await incidentsOf('令牌失效')).toEqual([]);
    await signIn(page, UNIT);
    // Back where the person was: the report's own page, which says it is delivered.
    await visible(heading(page, '报告已送达'), 15_000);
    expect(await incidentsOf('令牌失效')).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
