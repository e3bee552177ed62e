/**
 * `npm run bench:web -- --part photos`: a report with three phone photos on the weak mobile profile
 * of the unit's part. Each photo is a realistic 4,000 × 3,000 px JPEG of about 4 MB (gradients under
 * sensor-like noise, `phonePhoto`), chosen on the report form, which makes it small on the phone.
 * Measured per round: the bytes sent for each photo (what S3 stored, named by the report), the
 * time from "submit" to the report delivered, and to the last of its photos sent.
 * Targets: ≤ 600 KB a photo; the report delivered before its photos, within 5 s.
 */
import type { BrowserContext } from 'playwright-core';
import { phonePhoto } from '../browser/support';
import { type BenchRuntime, median } from './support';

export interface NetworkProfile {
  readonly offline: boolean;
  readonly latency: number;
  readonly downloadThroughput: number;
  readonly uploadThroughput: number;
}

export interface PhotosBench {
  readonly originalBytes: number;
  readonly sentBytes: readonly number[];
  readonly deliveredMs: number;
  readonly photosSentMs: number;
  readonly deliveredFirst: boolean;
}

const PHOTOS = 3;

export const benchPhotos = async (
  runtime: BenchRuntime,
  options: {
    readonly rounds: number;
    readonly network: NetworkProfile;
    readonly unitContext: () => Promise<BrowserContext>;
    readonly unitToken: string;
  },
): Promise<string> => {
  const results: PhotosBench[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const context = await options.unitContext();
    const page = await context.newPage();
    await page.goto('/report/new');
    await page.getByRole('button', { name: '提交初报' }).waitFor({ state: 'visible', timeout: 60_000 });
    const photos = [];
    for (let i = 0; i < PHOTOS; i++) photos.push(await phonePhoto(page, 100 * round + i + 1));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', options.network);

    const subtype = `照片基准 ${round + 1} ${Date.now()}`;
    const label = (name: string) => page.getByLabel(name, { exact: true });
    await label('详细地点').fill('东华门街道 3 号院');
    await label('事件类别').selectOption({ label: '事故灾难' });
    await label('具体类型').fill(subtype);
    await label('简要经过').fill('院内老旧平房倒塌，附现场照片三张。');
    await label('报告人姓名').fill('王丽');
    await label('报告人联系电话').fill('010 1234 5678');
    await page.getByLabel('选择照片或文件').setInputFiles(photos);
    await page
      .getByText(/（原 \d+ KB）/)
      .nth(PHOTOS - 1)
      .waitFor({ state: 'visible', timeout: 60_000 });

    const started = performance.now();
    await page.getByRole('button', { name: '提交初报' }).click();
    await page.getByText(/^已送达/).waitFor({ state: 'visible', timeout: 60_000 });
    const deliveredMs = performance.now() - started;
    const stillWaiting = await page.getByText(/：等待发送/).count();
    await page
      .getByText(/：已发送/)
      .nth(PHOTOS - 1)
      .waitFor({ state: 'visible', timeout: 120_000 });
    const photosSentMs = performance.now() - started;
    await context.close();

    const mine = await fetch(`${runtime.url}/v1/units/DC-JDJ/incidents?limit=200`, {
      headers: { authorization: `Bearer ${options.unitToken}` },
    });
    const incident = ((await mine.json()) as { items: { incidentId: string; subtype: string }[] }).items.find(
      (i) => i.subtype === subtype,
    );
    const listed = await fetch(`${runtime.url}/v1/incidents/${incident?.incidentId}/attachments`, {
      headers: { authorization: `Bearer ${options.unitToken}` },
    });
    const items = ((await listed.json()) as { items: { bytes: number; status: string }[] }).items;
    if (items.length !== PHOTOS || items.some((item) => item.status !== 'arrived')) {
      throw new Error(`round ${round + 1}: not every photo arrived: ${JSON.stringify(items)}`);
    }
    const result: PhotosBench = {
      originalBytes: median(photos.map((p) => p.buffer.length)),
      sentBytes: items.map((item) => item.bytes),
      deliveredMs,
      photosSentMs,
      // Delivered while at least one photo was still waiting: the report did not wait for them.
      deliveredFirst: stillWaiting > 0,
    };
    results.push(result);
    console.log(
      `round ${round + 1}: photos ${result.sentBytes.join(', ')} B (from ~${result.originalBytes} B), ` +
        `report delivered ${deliveredMs.toFixed(0)} ms, photos sent ${photosSentMs.toFixed(0)} ms, ` +
        `report first: ${result.deliveredFirst}`,
    );
  }
  const kb = (bytes: number) => (bytes / 1024).toFixed(0);
  const sent = results.flatMap((r) => r.sentBytes);
  return `
A report with ${PHOTOS} phone photos on the weak mobile profile (400 kbit/s, 400 ms RTT), ${options.rounds} rounds, medians:

| measure | result | target |
|---|---:|---:|
| a phone photo as chosen (4,000 × 3,000 px JPEG) | ${kb(median(results.map((r) => r.originalBytes)))} KB | ~4 MB |
| bytes sent per photo after recompression (largest of all rounds) | ${kb(median(sent))} KB (${kb(Math.max(...sent))} KB) | ≤ 600 KB |
| report delivered, from "submit" | ${median(results.map((r) => r.deliveredMs)).toFixed(0)} ms | ≤ 5,000 ms |
| report delivered before its photos | ${results.every((r) => r.deliveredFirst) ? 'every round' : 'NOT every round'} | every round |
| all ${PHOTOS} photos sent, from "submit" | ${median(results.map((r) => r.photosSentMs)).toFixed(0)} ms | |
`;
};
