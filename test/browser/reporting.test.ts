/**
 * The reporting unit's app in Chromium against the real local runtime and its real sign-in: a unit
 * files an initial, a follow-up and a final report; the API's 400 shows beside the field it
 * concerns; every screen passes axe-core, in Chinese and in English.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDateOf } from '../../shared/domain/china-time';
import { call, startTestRuntime, type TestRuntime, tokenFor } from '../integration/support';
import {
  COUNTY,
  connectBrowser,
  expectAccessible,
  fillReport,
  heading,
  type InPage,
  openConsole,
  registerUnit,
  screenshot,
  signIn,
  UNIT,
  UNIT_EN,
  visible,
} from './support';

describe('the reporting unit’s app in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let unitToken: string;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(), connectBrowser()]);
    await registerUnit(runtime, 'DC-JDJ', '110101', '东华门街道办事处');
    const county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    const today = chinaDateOf(new Date());
    const tomorrow = chinaDateOf(new Date(Date.now() + 86_400_000));
    const period = await call(runtime, 'POST', '/v1/duty-periods', {
      token: county,
      body: { region: '110101', firstDate: today, lastDate: tomorrow, cutoffHour: 23, reason: '汛期值守' },
    });
    expect(period.status).toBe(201);
    unitToken = await tokenFor(runtime, { sub: 'check', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('files an initial, a follow-up and a final report, by role and label, with every screen accessible', async () => {
    const { page, context, problems } = await openConsole(browser, runtime);
    await visible(heading(page, '登录'));
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await signIn(page, UNIT);

    await visible(heading(page, '报告单位工作台'));
    await visible(page.getByText('汛期值守'));
    await expectAccessible(page, 'home');
    await screenshot(page, 'home');

    await page.getByRole('link', { name: '新报告（初报）' }).click();
    await visible(heading(page, '新报告（初报）'));
    await visible(page.getByText(/离1小时时限还剩/));
    await page.getByRole('button', { name: '提交初报' }).click();
    // GOV.UK's error summary at the top, each problem linking to its field, and beside the field.
    const summary = await visible(page.getByRole('alert').filter({ hasText: '有问题需要处理' }));
    await summary.getByRole('link', { name: '请填写详细地点' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id)).toBe('f-address');
    await expectAccessible(page, 'report form with errors');
    await screenshot(page, 'report-errors');

    await fillReport(page, { subtype: '房屋倒塌', dead: '3', injured: '2' });
    await visible(page.getByText('按目前填报的数字，事件已达Ⅲ级（较大）。'));
    await visible(page.getByText(/之后的续报还须补充：已采取的措施、重伤人数/));
    await expectAccessible(page, 'report form, filled');
    await screenshot(page, 'report-new');
    await page.getByRole('button', { name: '提交初报' }).click();

    await visible(heading(page, '报告已送达'));
    const incidentId = (await page.getByText(/^INC-/).textContent()) ?? '';
    expect(incidentId).toMatch(/^INC-\d{8}-[0-9A-Z]{8}$/);
    await visible(page.getByText('东城区应急管理局须在', { exact: false }));
    await expectAccessible(page, 'receipt');
    await screenshot(page, 'receipt');

    // Follow-up: starts from the incident's current figures and shows what changed.
    await page.getByRole('link', { name: '续报', exact: true }).click();
    await visible(heading(page, /^续报：房屋倒塌/));
    const dead = page.getByLabel('死亡人数', { exact: true });
    expect(await dead.inputValue()).toBe('3');
    await dead.fill('5');
    await page.getByLabel('其中重伤人数（不清楚可不填）', { exact: true }).fill('1');
    await page.getByLabel('已采取的措施', { exact: true }).fill('消防救援队已到场搜救。');
    await visible(page.getByText('死亡人数：3 → 5'));
    await expectAccessible(page, 'follow-up report');
    await screenshot(page, 'report-follow-up');
    await page.getByRole('button', { name: '提交续报' }).click();
    await visible(heading(page, '报告已送达'));

    await page.getByRole('link', { name: '终报', exact: true }).click();
    await visible(heading(page, /^终报：房屋倒塌/));
    expect(await dead.inputValue()).toBe('5');
    await page.getByRole('button', { name: '提交终报' }).click();
    await visible(heading(page, '报告已送达'));

    await page.getByRole('navigation').getByRole('link', { name: '我的事件' }).click();
    await visible(heading(page, '我的事件'));
    await visible(page.getByText('已终报，事件结束'));
    await visible(page.getByText(/已送达（北京时间）|已送达$/).or(page.getByText(/ 已送达/)));
    await expectAccessible(page, 'my incidents');
    await screenshot(page, 'incidents');

    await page
      .getByRole('navigation')
      .getByRole('link', { name: /待发送/ })
      .click();
    await visible(heading(page, '待发送'));
    await expectAccessible(page, 'outbox');
    await screenshot(page, 'outbox');

    const incident = await call(runtime, 'GET', `/v1/incidents/${incidentId}`, { token: unitToken });
    expect((incident.body as { reports: { kind: string }[] }).reports.map((r) => r.kind)).toEqual([
      'initial',
      'follow-up',
      'final',
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('files the day’s zero report with one tap', async () => {
    const { page, context, problems } = await openConsole(browser, runtime, { path: '/daily-report' });
    await signIn(page, UNIT);
    await visible(heading(page, '今日零报告'));
    await expectAccessible(page, 'zero report');
    await screenshot(page, 'zero-report');
    await page.getByRole('button', { name: '今日无事可报' }).first().click();
    await page.getByRole('navigation').getByRole('link', { name: '首页' }).click();
    await visible(page.getByText(/^已报送（/));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the API’s 400 beside the field it concerns, in the person’s language', async () => {
    const { page, context, problems } = await openConsole(browser, runtime);
    // The device's clock runs ten minutes fast: it finds nothing wrong, the API finds the times in the future.
    await page.clock.install({ time: Date.now() + 10 * 60_000 });
    await page.reload();
    await signIn(page, UNIT);
    await page.getByRole('link', { name: '新报告（初报）' }).click();
    await fillReport(page, { subtype: '钟表偏快' });
    await page.getByRole('button', { name: '提交初报' }).click();

    await visible(heading(page, '修改被退回的报告'));
    const summary = await visible(page.getByRole('alert').filter({ hasText: '有问题需要处理' }));
    await visible(summary.getByRole('link', { name: '获知时间不能晚于现在' }));
    // Beside the field, and announced with it.
    const learnedAt = page.getByLabel('获知时间', { exact: true });
    expect(await learnedAt.getAttribute('aria-invalid')).toBe('true');
    expect(await learnedAt.getAttribute('aria-describedby')).toContain('f-learnedAt-error');
    await visible(page.locator('#f-learnedAt-error').getByText('获知时间不能晚于现在'));
    await expectAccessible(page, 'refused report');
    await screenshot(page, 'report-refused');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('renders every screen in English too, accessibly', async () => {
    const { page, context, problems } = await openConsole(browser, runtime, { lang: 'en' });
    await visible(heading(page, 'Sign in'));
    await expectAccessible(page, 'sign-in (en)');
    await signIn(page, UNIT_EN, 'Sign in');
    await visible(heading(page, 'Reporting unit'));
    await expectAccessible(page, 'home (en)');
    await screenshot(page, 'home-en');
    const screens: [string, string][] = [
      ['New report', 'New report (initial)'],
      ['My incidents', 'My incidents'],
      ['Zero report', 'Today’s zero report'],
      ['Outbox', 'Outbox'],
    ];
    for (const [link, title] of screens) {
      await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
      await visible(heading(page, title));
      await expectAccessible(page, `${title} (en)`);
    }
    await page.getByRole('navigation').getByRole('link', { name: 'New report', exact: true }).click();
    await page.getByRole('button', { name: 'Submit the initial report' }).click();
    await visible(page.getByRole('link', { name: 'Enter the address' }));
    await expectAccessible(page, 'report errors (en)');
    await screenshot(page, 'report-errors-en');
    // The person switches back: every text follows, and the choice is kept.
    await page.getByRole('button', { name: '中文' }).click();
    await visible(heading(page, '新报告（初报）'));
    await visible(page.getByRole('link', { name: '请填写详细地点' }));

    for (const [identity, title, lang] of [
      [COUNTY, '值班台', 'zh-CN'],
      [/Inspector, Beijing/, 'Inspection', 'en'],
    ] as const) {
      const other = await openConsole(browser, runtime, { lang });
      await signIn(other.page, identity, lang === 'en' ? 'Sign in' : '登录');
      await visible(heading(other.page, title));
      await expectAccessible(other.page, `${title} (${lang})`);
      await visible(other.page.getByRole('navigation'));
      await other.page.goto('/no-such-page');
      await visible(heading(other.page, lang === 'en' ? 'Page not found' : '页面不存在'));
      await expectAccessible(other.page, `not found (${lang})`);
      expect(other.problems).toEqual([]);
      await other.context.close();
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
