/**
 * Notifying the responsible officers on the local runtime: from the event stream through the
 * notification queue to the officer-notifications topic and the officer inbox, with every
 * notification recorded in the incident's log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { directoryRows } from '../../shared/schemas/officers';
import { call, initialReport, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface Trail {
  events: { seq: number; at: string; type: string; data: Record<string, unknown> }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notifications to the responsible officers', () => {
  let runtime: TestRuntime;
  let reporter: string;
  let inspector: string;

  const trail = async (incidentId: string) =>
    (await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector })).body as Trail;

  const waitFor = async (incidentId: string, type: string): Promise<Trail> => {
    const until = Date.now() + 10_000;
    for (;;) {
      const t = await trail(incidentId);
      if (t.events.some((e) => e.type === type)) return t;
      if (Date.now() > until) throw new Error(`no ${type}: ${t.events.map((e) => e.type).join(', ')}`);
      await sleep(200);
    }
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
    inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
    const client = makeDocumentClient(
      new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
    );
    const file = fileURLToPath(new URL('../fixtures/officers/dongcheng.json', import.meta.url));
    const { rows } = directoryRows(readFileSync(file, 'utf8'), 'json');
    await makeImportOfficers({
      directory: makeDynamoOfficerDirectory({ client, table: runtime.resources.tables.officers }),
      clock: systemClock,
    })(rows);
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('tells the receiving office’s duty officer of a new report, and records who was told', async () => {
    const created = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport('110101', 'U-1'),
    });
    const { incidentId } = created.body as { incidentId: string };
    const t = await waitFor(incidentId, 'NotificationSent');
    const sent = t.events.find((e) => e.type === 'NotificationSent');
    // The duty officer on shift when the obligation opened (P-ZHAO 08:00–20:00 China time, P-QIAN
    // the night), whenever the test happens to run.
    const about = t.events.find((e) => e.seq === sent?.data.aboutSeq);
    expect(about?.type).toBe('ObligationOpened');
    const chinaHour = (new Date(about?.at ?? '').getUTCHours() + 8) % 24;
    const onDuty = chinaHour >= 8 && chinaHour < 20 ? 'P-ZHAO' : 'P-QIAN';
    expect(sent?.data).toMatchObject({
      kind: 'report-arrived',
      recipients: [
        expect.objectContaining({
          office: '110101',
          role: 'duty-officer',
          personId: onDuty,
          messageId: expect.any(String),
        }),
      ],
    });

    // The inbox the runtime keeps got the message itself.
    const until = Date.now() + 5_000;
    let inbox = '';
    while (!inbox.includes(incidentId) && Date.now() < until) {
      await sleep(200);
      try {
        inbox = readFileSync(join(runtime.dataDir, 'inbox.jsonl'), 'utf8');
      } catch {
        inbox = '';
      }
    }
    const message = inbox
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { incidentId: string; personId: string; text: string })
      .find((n) => n.incidentId === incidentId);
    expect(message?.personId).toBe(onDuty);
    expect(message?.text).toContain('must report it to 110100');

    // What `npm run inbox` shows the office.
    const printed = await runScript(runtime, 'inbox', '--office', '110101');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(`report-arrived  to ${onDuty} (duty-officer)`);
    expect(printed.stdout).toContain(`${incidentId}: grade IV accident`);
  });

  it('records that nobody could be told when the office has nobody on record', async () => {
    const token = await tokenFor(runtime, { sub: 'u2', role: 'reporter', region: '110102', unit: 'U-2' });
    const created = await call(runtime, 'POST', '/v1/reports', { token, body: initialReport('110102', 'U-2') });
    const { incidentId } = created.body as { incidentId: string };
    const t = await waitFor(incidentId, 'NotificationFailed');
    expect(t.events.find((e) => e.type === 'NotificationFailed')?.data).toMatchObject({
      kind: 'report-arrived',
      willRetry: false,
      reason: expect.stringContaining('duty-officer of 110102'),
    });
  });
});
