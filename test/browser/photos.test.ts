/**
 * Photos with a report in Chromium against the real local runtime and its S3 emulator: a photo
 * chosen offline is made small on the phone, waits in the outbox with its report, and once the
 * network returns the report is delivered and the photo follows — uploaded once, stored as the
 * report names it, and shown on the county's duty desk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestRuntime, type TestRuntime, tokenFor } from '../integration/support';
import {
  connectBrowser,
  DESK,
  expectAccessible,
  fillReport,
  heading,
  openConsole,
  phonePhoto,
  screenshot,
  signIn,
  UNIT,
  untilServiceWorkerControls,
  visible,
} from './support';

describe('photos with a report in Chromium', () => {
  let runtime: TestRuntime;
  let browser: Awaited<ReturnType<typeof connectBrowser>>;
  let unitToken: string;
  let countyToken: string;

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(), connectBrowser()]);
    unitToken = await tokenFor(runtime, { sub: 'check', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
    countyToken = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('sends a photo attached offline after its report once the network returns, once', {
    timeout: 60_000,
  }, async () => {
    const { context, page, problems } = await openConsole(browser, runtime);
    await signIn(page, UNIT);
    await visible(heading(page, '报告单位工作台'));
    await untilServiceWorkerControls(page);
    const photo = await phonePhoto(page);
    expect(photo.buffer.length).toBeGreaterThan(2_500_000);

    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().startsWith(runtime.endpoints.s3)) uploads.push(request.url());
    });

    await context.setOffline(true);
    await page.getByRole('navigation').getByRole('link', { name: '新报告' }).click();
    await visible(heading(page, '新报告（初报）'));
    await fillReport(page, { subtype: '带照片的房屋倒塌' });
    await page.getByLabel('选择照片或文件').setInputFiles(photo);
    await visible(page.getByText(/IMG_20261205_101542\.jpg：\d+ KB（原 \d+ KB）/), 20_000);
    await page.getByLabel('第 1 个文件的说明（可不填）').fill('倒塌房屋正面');
    await expectAccessible(page, 'report form with a photo');
    await page.getByRole('button', { name: '提交初报' }).click();
    await visible(page.getByText(/已保存在本机（.*），联网后自动发送/));
    await visible(page.getByText(/倒塌房屋正面：等待发送/));
    await screenshot(page, 'outbox-photo-waiting');
    expect(uploads).toEqual([]);

    await context.setOffline(false);
    await visible(page.getByText(/^已送达/), 15_000);
    await visible(page.getByText(/倒塌房屋正面：已发送/), 15_000);
    await expectAccessible(page, 'report delivered with its photo');

    const mine = await call(runtime, 'GET', '/v1/units/DC-JDJ/incidents?limit=200', { token: unitToken });
    const ids = (mine.body as { items: { incidentId: string; subtype: string }[] }).items
      .filter((i) => i.subtype === '带照片的房屋倒塌')
      .map((i) => i.incidentId);
    expect(ids).toHaveLength(1);
    const incidentId = ids[0] as string;
    const listed = await call(runtime, 'GET', `/v1/incidents/${incidentId}/attachments`, { token: countyToken });
    const items = (listed.body as { items: { status: string; bytes: number; caption: string }[] }).items;
    expect(items).toEqual([expect.objectContaining({ status: 'arrived', caption: '倒塌房屋正面' })]);
    // Made small on the phone: within 600 KB, from about 4 MB.
    expect(items[0]?.bytes).toBeLessThanOrEqual(600 * 1024);
    expect(uploads).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();

    // The county's duty desk shows it, a thumbnail linking to the full image.
    const desk = await openConsole(browser, runtime, { viewport: DESK });
    await signIn(desk.page, /东城区应急管理局/);
    // Signed in once the board shows: going to the incident before that raced the sign-in.
    await visible(heading(desk.page, '值班台'));
    await desk.page.goto(`/desk/incidents/${incidentId}`);
    // The files' own answer: a refusal or a server error there is named, not waited out.
    const files = desk.page.getByRole('region', { name: '照片和文件' });
    await visible(files, 30_000);
    const thumbnail = files.getByRole('img', { name: /倒塌房屋正面/ });
    await expect
      .poll(
        async () =>
          (await thumbnail.count()) > 0
            ? 'shown'
            : (await files.getByRole('alert').allTextContents()).join(' ') || 'waiting',
        { timeout: 30_000 },
      )
      .toBe('shown');
    await visible(thumbnail);
    // Thumbnails load lazily: brought into view, it loads the stored photo, 2,048 px wide.
    await thumbnail.scrollIntoViewIfNeeded();
    await expect
      .poll(() => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: 15_000,
      })
      .toBe(2048);
    await visible(desk.page.getByRole('link', { name: '查看原件：倒塌房屋正面' }));
    await expectAccessible(desk.page, 'desk incident with a photo');
    await screenshot(desk.page, 'desk-incident-photo');
    expect(desk.problems).toEqual([]);
    await desk.context.close();
  });
});
