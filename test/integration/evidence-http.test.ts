/**
 * Evidence packs on the local runtime: over HTTP for an inspector (the incidents named, or those of
 * a jurisdiction and period), refused — and recorded — outside the jurisdiction, 4xx naming every
 * bad field; and from the command line, with the offline verifier page beside the pack. Each pack
 * is checked with the checker the page runs, and against the incident's own audit trail.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPack, parsePack } from '../../shared/domain/evidence/check-pack';
import type { EvidencePack } from '../../shared/domain/evidence/pack-format';
import { evidencePackSchema } from '../../shared/schemas/responses';
import {
  call,
  importDongchengOfficers,
  initialReport,
  runScript,
  startTestRuntime,
  type TestRuntime,
  tokenFor,
} from './support';

const sha256 = async (text: string) => createHash('sha256').update(text).digest('hex');

describe('evidence packs on the local runtime', () => {
  let runtime: TestRuntime;
  let inspector: string;
  let shanghai: string;
  const ids: Record<string, string> = {};
  const out = mkdtempSync(join(tmpdir(), 'evidence-pack-'));

  const get = (path: string, token = inspector) => call(runtime, 'GET', path, { token });

  beforeAll(async () => {
    runtime = await startTestRuntime();
    await importDongchengOfficers(runtime);
    for (const [region, unit] of [
      ['110101', 'U-DC'],
      ['110102', 'U-XC'],
      ['310101', 'U-HP'],
    ] as const) {
      const token = await tokenFor(runtime, { sub: `u-${region}`, role: 'reporter', region, unit });
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token,
        body: initialReport(region, unit),
        headers: { 'idempotency-key': `evidence-${region}` },
      });
      expect(answer.status, answer.text).toBe(201);
      ids[region] = (answer.body as { incidentId: string }).incidentId;
    }
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    shanghai = await tokenFor(runtime, { sub: 'insp-sh', role: 'inspector', region: '310000' });
  });

  afterAll(async () => {
    await runtime?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('gives an inspector a pack of the incidents named, as an attachment, that verifies and is their audit trail', async () => {
    const dongcheng = ids['110101'] as string;
    const response = await fetch(`${runtime.url}/v1/audit/evidence?incidents=${dongcheng}`, {
      headers: { authorization: `Bearer ${inspector}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const pack = parsePack(text);
    expect(evidencePackSchema.safeParse(pack).error?.issues ?? []).toEqual([]);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="evidence-${dongcheng}-${pack.seal.slice(0, 12)}.json"`,
    );
    const report = await checkPack(pack, sha256);
    expect(report.problems).toEqual([]);
    // Read after the pack: notifications may have been appended since, after the events packed.
    const trail = (await get(`/v1/incidents/${dongcheng}/audit`)).body as { events: unknown[] };
    const packed = pack.incidents[0]?.events ?? [];
    expect(packed.length).toBeGreaterThan(0);
    expect(trail.events.slice(0, packed.length)).toEqual(packed);
    expect(pack.incidents[0]?.duties[0]?.firstResponsible).toEqual([{ personId: 'P-LI', name: '李主任' }]);
  });

  it('gives the incidents of a jurisdiction received in a period, and none of another', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const answer = await get(`/v1/audit/evidence?region=110000&from=${from}`);
    expect(answer.status, answer.text).toBe(200);
    const pack = answer.body as EvidencePack;
    expect(pack.incidents.map((i) => i.incidentId).sort()).toEqual([ids['110101'], ids['110102']].sort());
    expect(pack.scope).toMatchObject({ kind: 'period', region: '110000', from });
    expect((await checkPack(pack, sha256)).holds).toBe(true);
  });

  it('refuses an incident or a region of another province, and records each refusal under both', async () => {
    const refused = await get(`/v1/audit/evidence?incidents=${ids['310101']}`);
    expect(refused.status).toBe(403);
    expect((await get('/v1/audit/evidence?region=310000')).status).toBe(403);
    const office = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    expect((await get(`/v1/audit/evidence?incidents=${ids['110101']}`, office)).status).toBe(403);

    const denied = (await get('/v1/audit/access-denied?region=310000', shanghai)).body as {
      items: { action: string; actor: { sub: string }; incidentId?: string }[];
    };
    expect(
      denied.items.filter((i) => i.action === 'GET /v1/audit/evidence').map((i) => [i.actor.sub, i.incidentId]),
    ).toEqual(
      expect.arrayContaining([
        ['insp-bj', ids['310101']],
        ['insp-bj', undefined],
      ]),
    );
    const ours = (await get('/v1/audit/access-denied?region=110000')).body as {
      items: { action: string; actor: { sub: string } }[];
    };
    expect(ours.items.filter((i) => i.action === 'GET /v1/audit/evidence').map((i) => i.actor.sub)).toContain('dc');
  });

  it('answers bad input with a 4xx naming every bad field, and a missing incident with 404', async () => {
    const fields = async (query: string) => {
      const answer = await get(`/v1/audit/evidence?${query}`);
      expect(answer.status, query).toBe(400);
      const details = (answer.body as { error: { details: { field: string }[] } }).error.details;
      return [...new Set(details.map((d) => d.field))].sort();
    };
    expect(await fields(`incidents=${ids['110101']},not-an-id&region=110000&from=yesterday&colour=red`)).toEqual([
      'colour',
      'from',
      'incidents.1',
      'region',
    ]);
    expect(await fields(`incidents=${ids['110101']},${ids['110101']}`)).toEqual(['incidents']);
    expect(await fields('region=999999')).toEqual(['region']);
    expect(await fields('region=110000&from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z')).toEqual(['to']);
    const missing = await get('/v1/audit/evidence?incidents=INC-20000101-00000000');
    expect(missing.status).toBe(404);
  });

  it('builds the same pack from the command line, with the verifier page, and a digest verify-audit holds the chains to', async () => {
    const file = join(out, 'pack.json');
    const page = join(out, 'verifier.html');
    const digest = join(out, 'digest.json');
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const run = await runScript(
      runtime,
      'evidence',
      ...['--region', '110000', '--from', from, '--out', file, '--verifier', page, '--digest', digest],
    );
    expect(run.code, run.stderr).toBe(0);
    const pack = parsePack(readFileSync(file, 'utf8'));
    expect(run.stdout).toContain(`seal ${pack.seal}`);
    expect((await checkPack(pack, sha256)).holds).toBe(true);
    expect(pack.incidents.map((i) => i.incidentId).sort()).toEqual([ids['110101'], ids['110102']].sort());
    const trail = (await get(`/v1/incidents/${ids['110101']}/audit`)).body as { events: unknown[] };
    const packed = pack.incidents.find((i) => i.incidentId === ids['110101'])?.events ?? [];
    expect(packed.length).toBeGreaterThan(0);
    expect(trail.events.slice(0, packed.length)).toEqual(packed);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    // The pack's digest is one verify-audit reads: the system still holds every chain as packed.
    expect(JSON.parse(readFileSync(digest, 'utf8'))).toEqual(pack.digest);
    const held = await runScript(runtime, 'verify-audit', '--region', '110000', '--against', digest);
    expect(held.stdout).toContain('RESULT: intact');
    expect(held.code).toBe(0);

    const bad = await runScript(runtime, 'evidence', '--incident', 'nope', '--region', '110000');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--incident.*\n--region/s);
  });
});
