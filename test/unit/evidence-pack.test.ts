/**
 * Evidence packs: what the builder puts in one (each log as chained, its head, its duties with
 * their persons, a digest and a seal), who may build one, and the checker that verifies a pack
 * with nothing but the file — every one-character change to any kind of field named, with the
 * incident, the event and the reason.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeBuildEvidencePack } from '../../shared/application/evidence';
import { makeImportOfficers } from '../../shared/application/officers';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { attachmentKey } from '../../shared/domain/attachments';
import { digestHolds } from '../../shared/domain/audit-digest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { checkPack, type PackProblem, parsePack, UnreadablePack } from '../../shared/domain/evidence/check-pack';
import {
  type EvidencePack,
  MAX_PACK_INCIDENTS,
  PERSONS_AT_DEADLINE,
  packFileName,
} from '../../shared/domain/evidence/pack-format';
import { verifyChain } from '../../shared/domain/hash-chain';
import type { Clock } from '../../shared/ports/clock';
import { directoryRows } from '../../shared/schemas/officers';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { InMemoryAttachmentStore } from '../fakes/in-memory-attachment-store';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { InMemoryOfficerDirectory } from '../fakes/in-memory-officer-directory';
import { reportWith } from '../fixtures/reports';

const RECEIVED = new Date('2026-11-22T01:00:00.000Z');
const clock: Clock = { now: () => new Date(RECEIVED) };
const INSPECTOR: Actor = { sub: 'insp-bj', role: 'inspector', region: '110000' };
const schema = makeReportBodySchema(() => RECEIVED.getTime());
const sha256 = async (text: string) => createHash('sha256').update(text).digest('hex');

/** Reports in two Beijing counties and one in Shanghai, each with a follow-up; Dongcheng's officers on record. */
const seed = async (regions = ['110101', '110102', '310101']) => {
  const incidents = new InMemoryIncidentStore();
  const directory = new InMemoryOfficerDirectory();
  const officers = readFileSync(new URL('../fixtures/officers/dongcheng.json', import.meta.url), 'utf8');
  await makeImportOfficers({ directory, clock })(directoryRows(officers, 'json').rows);
  let n = 0;
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy: policyByName('national'),
    ids: { incidentId: () => `INC-20261122-${String(++n).padStart(8, '0')}`, unique: () => `id-${n}` },
  });
  const ids: string[] = [];
  for (const region of regions) {
    const actor: Actor = { sub: `unit-${region}`, role: 'reporter', region, unit: 'U-1' };
    const { response } = await submit({ actor, report: schema.parse(reportWith({ regionCode: region })) });
    await submit({
      actor,
      report: schema.parse(
        reportWith({ kind: 'follow-up', incidentId: response.incidentId, grade: undefined, regionCode: region }),
      ),
    });
    ids.push(response.incidentId);
  }
  return { incidents, directory, ids, build: makeBuildEvidencePack({ incidents, directory, clock }) };
};

/** The pack as a file would carry it, read back. */
const asFile = (pack: EvidencePack): EvidencePack => parsePack(JSON.stringify(pack, null, 2));

describe('building an evidence pack', () => {
  it('holds each named incident’s log exactly as chained, its head, its duties with their persons, a digest and a seal', async () => {
    const { incidents, ids, build } = await seed();
    const [dongcheng, xicheng] = ids as [string, string];
    const pack = await build(INSPECTOR, { ids: [dongcheng, xicheng] });

    expect(pack.scope).toEqual({ kind: 'incidents', ids: [dongcheng, xicheng] });
    expect(pack.builtAt).toBe(RECEIVED.toISOString());
    expect(pack.builtBy).toEqual({ sub: 'insp-bj', role: 'inspector', region: '110000' });
    expect(pack.persons).toBe(PERSONS_AT_DEADLINE);
    for (const [index, id] of [dongcheng, xicheng].entries()) {
      const incident = pack.incidents[index];
      const events = await incidents.getEvents(id);
      expect(incident?.incidentId).toBe(id);
      expect(incident?.events).toEqual(events);
      expect(verifyChain(events, incident?.head).intact).toBe(true);
      expect(incident?.head).toEqual({ seq: events.length, hash: events.at(-1)?.hash });
    }
    // Dongcheng's county duty names its leaders, and who was on the roster at its deadline (11:00 China time).
    const countyDuty = pack.incidents[0]?.duties.find((d) => d.kind === 'countyToCity');
    expect(countyDuty).toMatchObject({
      office: { code: '110101' },
      status: 'pending',
      firstResponsible: [{ personId: 'P-LI', name: '李主任' }],
      directlyResponsible: [{ personId: 'P-WANG', name: '王副主任' }],
      onDutyAtDeadline: [{ personId: 'P-ZHAO', name: '赵值班' }],
    });
    // Xicheng has nobody on record: its duties are there, naming nobody.
    expect(pack.incidents[1]?.duties[0]?.firstResponsible).toEqual([]);

    expect(pack.digest.region).toBe('110000');
    expect(digestHolds(pack.digest)).toBe(true);
    expect(pack.digest.chains.map((c) => [c.id, c.seq])).toEqual([
      [dongcheng, pack.incidents[0]?.head.seq],
      [xicheng, pack.incidents[1]?.head.seq],
    ]);
    expect(pack.seal).toMatch(/^[0-9a-f]{64}$/);
    expect(packFileName(pack)).toBe(`evidence-2-incidents-${pack.seal.slice(0, 12)}.json`);
    expect((await checkPack(asFile(pack), sha256)).holds).toBe(true);
  });

  it('holds the incidents of a jurisdiction received in a period, and none outside it', async () => {
    const { ids, build } = await seed();
    const pack = await build(INSPECTOR, { region: '110000', from: '2026-11-22T00:00:00.000Z' });
    expect(pack.scope).toEqual({
      kind: 'period',
      region: '110000',
      from: '2026-11-22T00:00:00.000Z',
      to: RECEIVED.toISOString(),
    });
    expect(pack.incidents.map((i) => i.incidentId).sort()).toEqual(ids.slice(0, 2).sort());
    const before = await build(INSPECTOR, { region: '110101', to: '2026-11-21T00:00:00.000Z' });
    expect(before.incidents).toEqual([]);
    expect((await checkPack(asFile(before), sha256)).holds).toBe(true);
  });

  it('refuses a period with more incidents than a pack holds, naming the period', async () => {
    const { build } = await seed(Array.from({ length: MAX_PACK_INCIDENTS + 1 }, () => '110101'));
    const error = await build(INSPECTOR, { region: '110101' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.map((d) => d.field)).toEqual(['from']);
  });

  it('refuses a pack larger than one answer carries, naming what to narrow', async () => {
    const { incidents, directory, ids } = await seed();
    const small = makeBuildEvidencePack({ incidents, directory, clock, maxBytes: 2_000 });
    const named = await small(INSPECTOR, { ids: [ids[0] as string] }).catch((e: unknown) => e);
    expect((named as ValidationError).details?.map((d) => d.field)).toEqual(['incidents']);
    const period = await small(INSPECTOR, { region: '110000' }).catch((e: unknown) => e);
    expect((period as ValidationError).details?.map((d) => d.field)).toEqual(['from']);
    expect(period).toBeInstanceOf(ValidationError);
  });

  it('is for inspectors inside their jurisdiction: another province’s incident or region is refused, with what was asked', async () => {
    const { ids, build } = await seed();
    const shanghai = ids[2] as string;
    const refused = await build(INSPECTOR, { ids: [ids[0] as string, shanghai] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as ForbiddenError).context).toEqual({ targetRegion: '310101', incidentId: shanghai });
    await expect(build(INSPECTOR, { region: '310000' })).rejects.toBeInstanceOf(ForbiddenError);
    const office: Actor = { sub: 'dc', role: 'office', region: '110101', level: 'county' };
    await expect(build(office, { ids: [ids[0] as string] })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(build(INSPECTOR, { ids: ['INC-20261122-99999999'] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(build(INSPECTOR, { region: '999999' })).rejects.toBeInstanceOf(ValidationError);
  });
});

/** A value changed by one character (a string's last, a number's last digit), as a one-byte edit would. */
const oneOff = (value: unknown): unknown => {
  if (typeof value === 'string') {
    const last = value.at(-1) ?? '';
    return `${value.slice(0, -1)}${last === 'a' ? 'b' : 'a'}`;
  }
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  return 'a';
};

/** Every leaf of a JSON value, as a path and the value there. */
const leaves = (value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: unknown }[] =>
  value !== null && typeof value === 'object'
    ? Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, Array.isArray(value) ? Number(key) : key]))
    : [{ path, value }];

const changedAt = (pack: EvidencePack, path: (string | number)[], to: (value: unknown) => unknown): EvidencePack => {
  const copy = JSON.parse(JSON.stringify(pack)) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  at[last] = to(at[last]);
  return copy as unknown as EvidencePack;
};

const codes = (problems: readonly PackProblem[]) => problems.map((p) => p.code);

describe('checking an evidence pack', () => {
  const built = (async () => {
    const { ids, build } = await seed();
    return build(INSPECTOR, { ids: ids.slice(0, 2) });
  })();

  it('names the incident, the event and why for a one-character change to any field of any event', async () => {
    const pack = await built;
    let checked = 0;
    for (const [i, incident] of pack.incidents.entries()) {
      for (const [j, event] of incident.events.entries()) {
        for (const leaf of leaves(event)) {
          const report = await checkPack(changedAt(pack, ['incidents', i, 'events', j, ...leaf.path], oneOff), sha256);
          const field = leaf.path[0];
          const expected =
            field === 'seq' ? 'sequence-gap' : field === 'prevHash' ? 'prev-hash-mismatch' : 'hash-mismatch';
          expect(report.problems[0], `${incident.incidentId} event ${event.seq} ${leaf.path.join('.')}`).toEqual({
            code: 'chain-broken',
            incidentId: incident.incidentId,
            seq: event.seq,
            reason: expected,
          });
          expect(report.incidents[i]?.events[j]).toMatchObject({ status: 'broken', reason: expected });
          expect(report.incidents[i]?.events.slice(0, j).every((e) => e.status === 'holds')).toBe(true);
          expect(report.incidents[i]?.events.slice(j + 1).every((e) => e.status === 'after-break')).toBe(true);
          expect(report.holds).toBe(false);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('names a changed head, digest, duty, person or seal by what it is', async () => {
    const pack = await built;
    const id = pack.incidents[0]?.incidentId as string;
    const check = async (path: (string | number)[]) =>
      codes((await checkPack(changedAt(pack, path, oneOff), sha256)).problems);
    expect(await check(['incidents', 0, 'head', 'hash'])).toEqual(['chain-broken', 'seal-mismatch']);
    expect(await check(['incidents', 0, 'head', 'seq'])).toEqual(['chain-broken', 'seal-mismatch']);
    expect(await check(['digest', 'chains', 0, 'hash'])).toEqual([
      'anchor-mismatch',
      'digest-root-mismatch',
      'seal-mismatch',
    ]);
    expect(await check(['digest', 'root'])).toEqual(['digest-root-mismatch', 'seal-mismatch']);
    expect(await check(['digest', 'takenAt'])).toEqual(['digest-root-mismatch', 'seal-mismatch']);
    expect(await check(['incidents', 0, 'duties', 0, 'firstResponsible', 0, 'name'])).toEqual(['seal-mismatch']);
    expect(await check(['incidents', 0, 'duties', 0, 'deadline'])).toEqual(['seal-mismatch']);
    expect(await check(['builtAt'])).toEqual(['seal-mismatch']);
    expect(await check(['seal'])).toEqual(['seal-mismatch']);
    // An incident id changed: the digest names the incident it no longer holds.
    const renamed = await checkPack(changedAt(pack, ['incidents', 0, 'incidentId'], oneOff), sha256);
    expect(renamed.problems).toContainEqual({
      code: 'incident-missing',
      incidentId: id,
      seq: pack.incidents[0]?.head.seq,
    });
  });

  it('names an incident taken out of the pack, and a log whose end was cut off', async () => {
    const pack = await built;
    const [first, second] = pack.incidents as [EvidencePack['incidents'][number], EvidencePack['incidents'][number]];
    const without = { ...pack, incidents: [second] };
    expect((await checkPack(without, sha256)).problems).toEqual([
      { code: 'incident-missing', incidentId: first.incidentId, seq: first.head.seq },
      expect.objectContaining({ code: 'seal-mismatch' }),
    ]);
    // The end cut off, and the head rewritten to match: the digest still knows where the log ended.
    const events = first.events.slice(0, -1);
    const last = events.at(-1) as { seq: number; hash: string };
    const cut = { ...pack, incidents: [{ ...first, events, head: { seq: last.seq, hash: last.hash } }, second] };
    expect(codes((await checkPack(cut, sha256)).problems)).toEqual(['anchor-missing-events', 'seal-mismatch']);
    // Cut without touching the head: the head says so too.
    const cutOnly = { ...pack, incidents: [{ ...first, events }, second] };
    expect((await checkPack(cutOnly, sha256)).problems[0]).toEqual({
      code: 'chain-broken',
      incidentId: first.incidentId,
      seq: first.events.length,
      reason: 'missing-events',
    });
  });

  it('holds the pack to the value the inspector wrote down: the seal or the digest’s root', async () => {
    const pack = await built;
    expect((await checkPack(pack, sha256, pack.seal)).recorded).toEqual({ value: pack.seal, matches: 'seal' });
    expect((await checkPack(pack, sha256, ` ${pack.digest.root.toUpperCase()} `)).recorded?.matches).toBe(
      'digest-root',
    );
    const other = await checkPack(pack, sha256, '0'.repeat(64));
    expect(other.holds).toBe(false);
    expect(codes(other.problems)).toEqual(['recorded-value-differs']);
  });

  it('says why a file is not a pack it can read', () => {
    const problemOf = (text: string) => {
      try {
        parsePack(text);
        return undefined;
      } catch (error) {
        return error instanceof UnreadablePack ? [error.problem, error.field] : error;
      }
    };
    expect(problemOf('{"format": ')).toEqual(['not-json', '']);
    expect(problemOf('{"chains": []}')).toEqual(['not-a-pack', 'format']);
    expect(problemOf('{"format":"incident-evidence-pack","version":2}')).toEqual(['unknown-version', 'version']);
    expect(problemOf('{"format":"incident-evidence-pack","version":1,"incidents":{}}')).toEqual([
      'wrong-shape',
      'incidents',
    ]);
    expect(
      problemOf('{"format":"incident-evidence-pack","version":1,"incidents":[{"events":[1]}],"digest":{"chains":[]}}'),
    ).toEqual(['wrong-shape', 'incidents[0].events[0]']);
  });
});

describe('the files an evidence pack lists', () => {
  const bytesOf = (text: string) => new TextEncoder().encode(text);
  const hashOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const sha256OfBytes = async (bytes: Uint8Array) => hashOf(bytes);
  const photo = bytesOf('现场照片');
  const scan = bytesOf('%PDF-1.7 通知');
  const lost = bytesOf('从未发送');
  const named = (bytes: Uint8Array, contentType: string) => ({
    sha256: hashOf(bytes),
    bytes: bytes.length,
    contentType,
  });

  const packWithFiles = async () => {
    const incidents = new InMemoryIncidentStore();
    const directory = new InMemoryOfficerDirectory();
    const submit = makeSubmitReport({
      incidents,
      clock,
      policy: policyByName('national'),
      ids: { incidentId: () => 'INC-20261122-0000000F', unique: () => 'id-f' },
    });
    const actor: Actor = { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' };
    const attachments = [named(photo, 'image/jpeg'), named(scan, 'application/pdf'), named(lost, 'image/png')];
    const { response } = await submit({ actor, report: schema.parse(reportWith({ attachments })) });
    const id = response.incidentId;
    const store = new InMemoryAttachmentStore();
    store.put(attachmentKey(id, hashOf(photo)), photo);
    // Replaced behind the API's back.
    store.put(attachmentKey(id, hashOf(scan)), bytesOf('%PDF-1.7 改过的通知'));
    const build = makeBuildEvidencePack({
      incidents,
      directory,
      clock,
      attachments: store,
      files: 'content',
    });
    return { id, pack: await build(INSPECTOR, { ids: [id] }) };
  };

  it('lists each named file with its status in storage and its bytes, and names the one changed in storage', async () => {
    const { id, pack } = await packWithFiles();

    expect(pack.incidents[0]?.attachments).toEqual([
      { ...named(photo, 'image/jpeg'), seq: 1, status: 'arrived', content: Buffer.from(photo).toString('base64') },
      expect.objectContaining({ ...named(scan, 'application/pdf'), seq: 1, status: 'mismatched' }),
      { ...named(lost, 'image/png'), seq: 1, status: 'missing' },
    ]);
    expect((await checkPack(asFile(pack), sha256, undefined, sha256OfBytes)).problems).toEqual([
      { code: 'attachment-mismatched', incidentId: id, sha256: hashOf(scan), seq: 1 },
    ]);
  });

  it('names bytes changed in the pack, and a file no report names', async () => {
    const { id, pack } = await packWithFiles();
    const changed = changedAt(pack, ['incidents', 0, 'attachments', 0, 'content'], () =>
      Buffer.from(bytesOf('另一张照片')).toString('base64'),
    );
    expect(codes((await checkPack(changed, sha256, undefined, sha256OfBytes)).problems)).toEqual([
      'attachment-content-mismatch',
      'attachment-mismatched',
      'seal-mismatch',
    ]);

    const added = changedAt(pack, ['incidents', 0, 'attachments', 2, 'sha256'], () => 'f'.repeat(64));
    expect((await checkPack(added, sha256, undefined, sha256OfBytes)).problems).toContainEqual({
      code: 'attachment-not-named',
      incidentId: id,
      sha256: 'f'.repeat(64),
    });
  });
});
