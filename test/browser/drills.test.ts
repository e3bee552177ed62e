/**
 * A drill on the live system, in Chromium against the real local runtime on the national policy:
 * the city desk starts a drill; a unit inside it sees the 演练 toggle and reports an exercise; the
 * county's board shows it with the 演练 badge; the drill report lists it with its hand-overs. Every
 * screen passes axe-core, in Chinese and in English.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../integration/support';
import {
  CITY,
  COUNTY,
  connectBrowser,
  DESK,
  expectAccessible,
  fillReport,
  heading,
  openConsole,
  screenshot,
  signIn,
  UNIT,
  visible,
} from './support';

describe('a drill in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime('national'), connectBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('the desk starts a drill, a unit reports an exercise, the board and the drill report show it', async () => {
    // Before any drill, the unit's report form offers no toggle: a report is real.
    const unit = await openConsole(browser, runtime);
    await signIn(unit.page, UNIT);
    await unit.page.getByRole('link', { name: '新报告（初报）' }).click();
    await visible(unit.page.getByLabel('具体类型', { exact: true }));
    expect(await unit.page.getByLabel('这是演练信息').count()).toBe(0);

    // The city desk starts a drill for its jurisdiction.
    const city = await openConsole(browser, runtime, { viewport: DESK });
    await signIn(city.page, CITY);
    await city.page.getByRole('link', { name: '演练', exact: true }).click();
    await visible(heading(city.page, '演练'));
    await visible(city.page.getByText('本辖区没有演练。'));
    await city.page.getByRole('button', { name: '开始演练', exact: true }).click();
    await visible(city.page.getByRole('link', { name: '请填写演练名称' }));
    await city.page.getByLabel('演练名称').fill('防汛应急演练');
    await city.page.getByLabel('持续时间').selectOption('1h');
    await city.page.getByRole('button', { name: '开始演练', exact: true }).click();
    await visible(city.page.getByRole('status').getByText(/演练“防汛应急演练”已开始/));
    await visible(city.page.getByRole('heading', { name: /防汛应急演练/, level: 3 }));
    await expectAccessible(city.page, 'drills');
    await screenshot(city.page, 'desk-drills');

    // The unit, inside the drill, reports an exercise.
    await unit.page.reload();
    const toggle = unit.page.getByLabel('这是演练信息');
    await visible(toggle);
    await visible(unit.page.getByText(/正在进行演练“防汛应急演练”/));
    await toggle.check();
    await fillReport(unit.page, { subtype: '演练：河堤管涌', dead: '3' });
    await expectAccessible(unit.page, 'report form with the drill toggle');
    await unit.page.getByRole('button', { name: '提交初报' }).click();
    await visible(heading(unit.page, '报告已送达'));
    const incidentId = (await unit.page.getByText(/^INC-/).textContent()) ?? '';
    expect(incidentId).toMatch(/^INC-/);

    // The county's board: the exercise, marked 演练.
    const county = await openConsole(browser, runtime, { viewport: DESK });
    await signIn(county.page, COUNTY);
    await visible(heading(county.page, '值班台'));
    const row = county.page.getByRole('listitem', { name: /演练 东城区 演练：河堤管涌/ });
    await visible(row);
    await visible(row.getByText('演练', { exact: true }));
    await expectAccessible(county.page, 'board with an exercise');
    await screenshot(county.page, 'desk-board-drill');

    // The drill report lists the exercise and its hand-overs.
    await city.page.getByRole('link', { name: '演练报告：防汛应急演练' }).click();
    await visible(heading(city.page, /演练报告：防汛应急演练/));
    await visible(city.page.getByRole('heading', { name: new RegExp(`演练：河堤管涌（${incidentId}）`), level: 2 }));
    await visible(city.page.getByRole('rowheader', { name: /单位 DC-JDJ → 东城区应急管理局/ }));
    await visible(city.page.getByRole('rowheader', { name: /^东城区应急管理局 → 北京市/ }));
    await visible(city.page.getByText(/演练事件 1 起/));
    await visible(city.page.getByRole('button', { name: '下载 CSV' }));
    await expectAccessible(city.page, 'drill report');
    await screenshot(city.page, 'drill-report');

    // In English too: the badge, the report, the desk's drills.
    await city.page.getByRole('button', { name: 'English' }).click();
    await visible(heading(city.page, /Drill report: 防汛应急演练/));
    await visible(city.page.getByText(/1 exercises, \d+ hand-overs/));
    await expectAccessible(city.page, 'drill report (English)');
    await county.page.getByRole('button', { name: 'English' }).click();
    await visible(county.page.getByRole('listitem', { name: /^Drill / }));
    await expectAccessible(county.page, 'board with an exercise (English)');
    await city.page.getByRole('link', { name: 'Back to the drills' }).click();
    await visible(city.page.getByRole('button', { name: 'End the drill now: 防汛应急演练' }));
    await city.page.getByRole('button', { name: 'End the drill now: 防汛应急演练' }).click();
    await visible(city.page.getByText(/^ended/));
    await expectAccessible(city.page, 'drills (English)');

    for (const window of [unit, city, county]) expect(window.problems).toEqual([]);
  }, 60_000);
});
