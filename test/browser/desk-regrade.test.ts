/**
 * A window that follows the grade, on the duty desk in Chromium against the real local runtime
 * (test/fixtures/policies/regrade-desk-drill.json: Beijing's county to city 60 s at grade Ⅳ, 30 s
 * at grade Ⅲ): the county's duty is counting down when the office raises the grade; the board then
 * counts down to the earlier deadline, says it was moved and from when, and names the rule; the
 * incident page tells the move in words, in both languages, and stays accessible.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from '../integration/support';
import { COUNTY, connectBrowser, expectAccessible, heading, openConsole, signIn, visible } from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/regrade-desk-drill.json', import.meta.url));

describe('a deadline moved by a raised grade, on the duty desk', () => {
  let runtime: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(POLICY), connectBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('counts down to the earlier deadline, says it moved, and tells the move on the incident page', async () => {
    const desk = await openConsole(browser, runtime);
    await signIn(desk.page, COUNTY);
    await visible(heading(desk.page, '值班台'));

    const reporter = await tokenFor(runtime, { sub: 'u', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
    const created = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport('110101', 'DC-JDJ', { subtype: '仓库坍塌', grade: 'IV' }),
    });
    expect(created.status, created.text).toBe(201);
    const incidentId = (created.body as { incidentId: string }).incidentId;
    const row = desk.page.getByRole('listitem', { name: /东城区 仓库坍塌/ });
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    await visible(row.getByText(/向上一级报告 · 1分钟/));

    const county = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    const raised = await call(runtime, 'POST', `/v1/incidents/${incidentId}/grade`, {
      token: county,
      body: { grade: 'III', reason: '现场核实为较大事故' },
    });
    expect(raised.status, raised.text).toBe(200);
    expect((raised.body as { shortened: unknown[] }).shortened).toHaveLength(1);

    await visible(row.getByText(/因等级提高已提前（原为/));
    await visible(row.getByText(/向上一级报告 · 30秒 · Beijing \(drill seconds\)/));
    await expectAccessible(desk.page, 'board with a moved deadline');

    await desk.page.goto(`/desk/incidents/${incidentId}`);
    await visible(desk.page.getByText(/按Ⅲ级.*时限.*期限由 .* 提前至 /));
    await expectAccessible(desk.page, 'incident page with a moved deadline');
    await desk.page.getByRole('button', { name: 'English' }).click();
    await visible(desk.page.getByText(/calls for a shorter limit: .* moved from .* to /));
    await expectAccessible(desk.page, 'incident page with a moved deadline (en)');
    expect(desk.problems).toEqual([]);
    await desk.context.close();
  });
});
