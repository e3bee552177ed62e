/**
 * The duty desk in Chromium, against the real local runtime on the drill policy (every limit in
 * seconds), in four windows at once as the escalation story needs them: a unit files a grade Ⅲ
 * report; the county desk sees it within 5 s, acknowledges and forwards it; the city desk sees its
 * new duty counting down, stays silent, and its deadline turns red; the incident moves to the
 * province's board. Then a grade Ⅰ report shows its phone and written clocks, an office it has not
 * reached is offered nothing to act on, a county desk cannot see another county's incident, and
 * every desk screen passes axe-core in both languages.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from '../integration/support';
import {
  CITY,
  COUNTY,
  type Console,
  connectBrowser,
  expectAccessible,
  fillReport,
  heading,
  openConsole,
  PROVINCE,
  screenshot,
  signIn,
  UNIT,
  visible,
} from './support';

/** A desk signed in and on its board. */
const openDesk = async (browser: Browser, runtime: TestRuntime, identity: RegExp): Promise<Console> => {
  const desk = await openConsole(browser, runtime);
  await signIn(desk.page, identity);
  await visible(heading(desk.page, '值班台'));
  return desk;
};

/** The board's entry for an incident, found by its subject as a person reads it. */
const rowOf = (page: Page, subject: RegExp) => page.getByRole('listitem', { name: subject });

describe('the duty desk in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime('drill', { sweepIntervalMs: 1_000 }), connectBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('plays the escalation: the county forwards at once, the city stays silent, the province receives it', async () => {
    const [county, city, province] = await Promise.all([
      openDesk(browser, runtime, COUNTY),
      openDesk(browser, runtime, CITY),
      openDesk(browser, runtime, PROVINCE),
    ]);
    await visible(county.page.getByText('目前没有事件。'));
    await expectAccessible(county.page, 'empty board');

    // A unit files a grade Ⅲ report through its own app.
    const unit = await openConsole(browser, runtime);
    await signIn(unit.page, UNIT);
    await unit.page.getByRole('link', { name: '新报告（初报）' }).click();
    await fillReport(unit.page, { subtype: '厂房坍塌', dead: '3', injured: '2' });
    await unit.page.getByRole('button', { name: '提交初报' }).click();
    await visible(heading(unit.page, '报告已送达'));
    const accepted = Date.now();
    const incidentId = (await unit.page.getByText(/^INC-/).textContent()) ?? '';

    // On the county's board within 5 s, announced, counted in the title, with its countdown and rule.
    const subject = /东城区 厂房坍塌/;
    const countyRow = rowOf(county.page, subject);
    await countyRow.waitFor({ state: 'visible', timeout: 5_000 });
    expect(Date.now() - accepted).toBeLessThan(5_000);
    await visible(county.page.getByRole('status').getByText(/新接报：东城区 厂房坍塌（Ⅲ级（较大））/));
    expect(await county.page.title()).toMatch(/^（1）值班台/);
    await visible(countyRow.getByText(/向上一级报告 · 15秒 · 《生产安全事故报告和调查处理条例》/));
    await visible(countyRow.getByText(/剩余 \d+秒|已超时/));
    await screenshot(county.page, 'desk-board');

    // Acknowledge in one click on the board; forward from the incident page, which says what it opened.
    await countyRow.getByRole('button', { name: /^签收/ }).click();
    await visible(countyRow.getByText(/已签收/));
    await countyRow.getByRole('link', { name: /^处理/ }).click();
    await visible(heading(county.page, subject));
    await county.page.getByRole('button', { name: /^报告.*应急管理局/ }).click();
    await visible(county.page.getByText(/下一步：.*须在.*前向省报告/));
    await visible(county.page.getByText(/收到初报/));
    await visible(county.page.getByText(/东城区应急管理局签收/));

    // The city's board: the new duty counting down, then red when the city stays silent.
    const cityRow = rowOf(city.page, subject);
    await cityRow.waitFor({ state: 'visible', timeout: 5_000 });
    await visible(cityRow.getByText(/下级上报/));
    await visible(cityRow.getByText(/向省报告 · 15秒/));
    await visible(cityRow.getByText(/剩余 \d+秒/));
    await cityRow.locator('[data-tone="red"]').waitFor({ state: 'visible', timeout: 25_000 });
    await visible(cityRow.getByText(/已超时/));
    await visible(city.page.getByRole('alert').getByText(/已超时：东城区 厂房坍塌/));

    // The pipeline escalates past the silent city: the province's board has it now.
    const provinceRow = rowOf(province.page, subject);
    await provinceRow.waitFor({ state: 'visible', timeout: 15_000 });
    await visible(provinceRow.getByText(/下级逾期未报/));
    await visible(province.page.getByRole('alert').getByText(/越级转来：东城区 厂房坍塌/));

    // The incident page tells the whole story, and is accessible.
    await county.page.reload();
    await visible(county.page.getByText(/系统越级转至/));
    await visible(county.page.getByText(/超时未报/).first());
    await expectAccessible(county.page, 'incident page');
    await screenshot(county.page, 'desk-incident');
    await expectAccessible(province.page, 'province board');

    const trail = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, {
      token: await tokenFor(runtime, { sub: 'i', role: 'inspector', region: '110000' }),
    });
    const types = (trail.body as { events: { type: string }[] }).events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['ReportAcknowledged', 'ReportForwarded', 'DeadlineMissed', 'AutoEscalated']),
    );
    for (const desk of [county, city, province, unit]) {
      expect(desk.problems).toEqual([]);
      await desk.context.close();
    }
  });

  it('shows a grade Ⅰ report’s phone and written clocks, and keeps another county’s incident from the county desk', async () => {
    const county = await openDesk(browser, runtime, COUNTY);
    const dongcheng = await tokenFor(runtime, { sub: 'u', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
    const xicheng = await tokenFor(runtime, { sub: 'x', role: 'reporter', region: '110102', unit: 'XC-1' });
    const grave = await call(runtime, 'POST', '/v1/reports', {
      token: dongcheng,
      body: initialReport('110101', 'DC-JDJ', {
        subtype: '煤矿透水',
        grade: 'I',
        casualties: { dead: 31, injured: 4, missing: 2, trapped: 0 },
      }),
    });
    expect(grave.status, grave.text).toBe(201);
    const elsewhere = await call(runtime, 'POST', '/v1/reports', {
      token: xicheng,
      body: initialReport('110102', 'XC-1', { subtype: '仓库火灾' }),
    });
    expect(elsewhere.status, elsewhere.text).toBe(201);

    const row = rowOf(county.page, /东城区 煤矿透水/);
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    await visible(row.getByText(/越级电话报告国家值班室 · 5秒/));
    await visible(row.getByText(/越级书面报告国家值班室 · 10秒/));
    await expect.poll(() => row.locator('.countdown').count()).toBe(3);
    await expect.poll(() => rowOf(county.page, /西城区 仓库火灾/).count()).toBe(0);

    // The city may read it but has not received it: nothing to act on is offered.
    const graveId = (grave.body as { incidentId: string }).incidentId;
    const city = await openDesk(browser, runtime, CITY);
    await city.page.goto(`/desk/incidents/${graveId}`);
    await visible(city.page.getByText('此事件还没有报送到本单位：可以查看，但不能签收、定级或上报。'));
    await visible(city.page.getByText(/越级电话报告国家值班室/).first());
    expect(
      await city.page
        .getByRole('button')
        .filter({ hasText: /签收|确认等级|报告|已电话/ })
        .count(),
    ).toBe(0);
    expect(city.problems).toEqual([]);
    await city.context.close();

    // Opened by its address, the other county's incident is refused, in words.
    const otherId = (elsewhere.body as { incidentId: string }).incidentId;
    await county.page.goto(`/desk/incidents/${otherId}`);
    await visible(county.page.getByRole('alert').getByText(/无权执行此操作/));
    await expectAccessible(county.page, 'refused incident');

    // English: the board and the incident page in the second language.
    await county.page.goto('/desk');
    await county.page.getByRole('button', { name: 'English' }).click();
    await visible(heading(county.page, 'Duty desk'));
    await visible(rowOf(county.page, /东城区 煤矿透水/).getByText(/Phone the national duty office/));
    await expectAccessible(county.page, 'board (en)');
    await rowOf(county.page, /东城区 煤矿透水/)
      .getByRole('link', { name: /^Open/ })
      .click();
    await visible(county.page.getByRole('heading', { name: 'Your office’s duties' }));
    await visible(county.page.getByRole('button', { name: 'The national duty office has been phoned' }));
    await expectAccessible(county.page, 'incident page (en)');
    expect(county.problems).toEqual([]);
    await county.context.close();
  });
});
