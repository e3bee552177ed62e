/**
 * The jurisdiction preamble the reads of a region share: for each read, which region it covers
 * when none is given, which code is refused as a mistake (not recorded) and which as a refusal
 * (recorded, naming the region), and which reads go one province at a time.
 */
import { describe, expect, it } from 'vitest';
import { makeListLate, makeOfficePunctuality } from '../../shared/application/audit';
import { makeListCandidates } from '../../shared/application/candidates';
import { indexedLevelOf } from '../../shared/application/jurisdiction';
import { makeListAccessDenied } from '../../shared/application/list-access-denied';
import { makeListIncidents } from '../../shared/application/read-incidents';
import { makeVerifyAudit } from '../../shared/application/verify-audit';
import type { Actor } from '../../shared/domain/access';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type { AccessLog } from '../../shared/ports/access-log';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { InMemoryOfficerDirectory } from '../fakes/in-memory-officer-directory';

const reporter: Actor = { sub: 'u', role: 'reporter', region: '110101', unit: 'U-1' };
const office: Actor = { sub: 'o', role: 'office', region: '110000', level: 'province' };
const beijing: Actor = { sub: 'i', role: 'inspector', region: '110000' };
const shanghai: Actor = { sub: 'sh', role: 'inspector', region: '310000' };
const national: Actor = { sub: 'n', role: 'inspector', region: '000000' };
const nowhere: Actor = { sub: 'x', role: 'inspector', region: '999999' };

const incidents = new InMemoryIncidentStore();
const clock = new FakeClock('2026-11-22T00:00:00.000Z');
const accessLog: AccessLog = { recordDenied: async () => undefined, listDenied: async () => ({ items: [] }) };

const listIncidents = makeListIncidents({ incidents });
const listCandidates = makeListCandidates({ incidents });
const listAccessDenied = makeListAccessDenied({ accessLog });
const verifyAudit = makeVerifyAudit({ sources: [], accessLog, clock });
const listLate = makeListLate({ incidents, directory: new InMemoryOfficerDirectory(), clock });
const officePunctuality = makeOfficePunctuality({ incidents, clock });

type Outcome =
  | 'answered'
  | { readonly invalid: string; readonly field: string }
  | { readonly refused: string; readonly targetRegion: string };

/** What a read did: answered, refused as invalid (the field named), or refused as forbidden (the region named). */
const outcomeOf = async (read: Promise<unknown>): Promise<Outcome> => {
  try {
    await read;
    return 'answered';
  } catch (error) {
    if (error instanceof ForbiddenError) {
      return { refused: error.message, targetRegion: error.context.targetRegion ?? '(none)' };
    }
    if (error instanceof ValidationError) return { invalid: error.message, field: error.details?.[0]?.field ?? '' };
    throw error;
  }
};

const unknownCode = { invalid: 'region 999999 is not a GB/T 2260 code', field: 'region' };

describe('the reads of a region', () => {
  it('list incidents for offices and inspectors, one province at a time', async () => {
    const read = (actor: Actor, region?: string) =>
      outcomeOf(listIncidents(actor, { limit: 5, ...(region ? { region } : {}) }));

    expect(await read(office)).toBe('answered');
    expect(await read(beijing, '110100')).toBe('answered');
    expect(await read(reporter, '110100')).toEqual({
      refused: 'reporting units cannot query across incidents',
      targetRegion: '110100',
    });
    expect(await read(reporter)).toEqual({
      refused: 'reporting units cannot query across incidents',
      targetRegion: '110101',
    });
    expect(await read(shanghai, '110100')).toEqual({
      refused: '110100 is outside the jurisdiction of 310000',
      targetRegion: '110100',
    });
    expect(await read(nowhere, '110100')).toEqual({
      refused: "the token's region 999999 is not a known region",
      targetRegion: '110100',
    });
    expect(await read(beijing, '999999')).toEqual(unknownCode);
    expect(await read(nowhere)).toEqual(unknownCode);
    expect(await read(national)).toEqual({ invalid: 'list one province at a time', field: 'region' });
  });

  it('list candidates for inspectors only, one province at a time', async () => {
    const read = (actor: Actor, region?: string) =>
      outcomeOf(listCandidates(actor, { limit: 5, ...(region ? { region } : {}) }));

    expect(await read(beijing)).toBe('answered');
    expect(await read(office, '110100')).toEqual({
      refused: 'a office cannot read the accountability audit',
      targetRegion: '110100',
    });
    expect(await read(shanghai, '110100')).toEqual({
      refused: '110100 is outside the jurisdiction of 310000',
      targetRegion: '110100',
    });
    expect(await read(beijing, '999999')).toEqual(unknownCode);
    expect(await read(national)).toEqual({ invalid: 'list one province at a time', field: 'region' });
  });

  it('list refused requests for inspectors only, the whole country included', async () => {
    const read = (actor: Actor, region?: string) =>
      outcomeOf(listAccessDenied(actor, { limit: 5, ...(region ? { region } : {}) }));

    expect(await read(beijing)).toBe('answered');
    expect(await read(national)).toBe('answered');
    expect(await read(office)).toEqual({
      refused: 'only inspectors read the access-denied record',
      targetRegion: '110000',
    });
    expect(await read(shanghai, '110100')).toEqual({
      refused: '110100 is outside the jurisdiction of 310000',
      targetRegion: '110100',
    });
    expect(await read(nowhere, '110100')).toEqual({
      refused: '110100 is outside the jurisdiction of 999999',
      targetRegion: '110100',
    });
    expect(await read(beijing, '999999')).toEqual(unknownCode);
  });

  it('verify the audit trail for inspectors only, the whole country included', async () => {
    const read = (actor: Actor, region?: string) => outcomeOf(verifyAudit(actor, region ? { region } : {}));

    expect(await read(beijing)).toBe('answered');
    expect(await read(national)).toBe('answered');
    expect(await read(reporter)).toEqual({
      refused: 'a reporter cannot read the accountability audit',
      targetRegion: '110101',
    });
    expect(await read(shanghai, '110100')).toEqual({
      refused: '110100 is outside the jurisdiction of 310000',
      targetRegion: '110100',
    });
    expect(await read(beijing, '999999')).toEqual(unknownCode);
  });

  it('audit late duties and punctuality for inspectors only, one province at a time', async () => {
    for (const audit of [
      (actor: Actor, region: string) => listLate(actor, { region, limit: 5 }),
      (actor: Actor, region: string) => officePunctuality(actor, { region }),
    ]) {
      const read = (actor: Actor, region: string) => outcomeOf(audit(actor, region));

      expect(await read(beijing, '110100')).toBe('answered');
      expect(await read(office, '110100')).toEqual({
        refused: 'a office cannot read the accountability audit',
        targetRegion: '110100',
      });
      expect(await read(shanghai, '110100')).toEqual({
        refused: '110100 is outside the jurisdiction of 310000',
        targetRegion: '110100',
      });
      // The region is required and its query schema refuses an unknown code, so none is looked
      // for here: one that arrives anyway lies in no jurisdiction.
      expect(await read(beijing, '999999')).toEqual({
        refused: '999999 is outside the jurisdiction of 110000',
        targetRegion: '999999',
      });
      expect(await read(national, '000000')).toEqual({ invalid: 'audit one province at a time', field: 'region' });
    }
  });
});

describe('the region index a read walks', () => {
  it('is the region’s own level below the whole country', () => {
    expect(indexedLevelOf('110000', 'list')).toBe('province');
    expect(indexedLevelOf('110100', 'list')).toBe('city');
    expect(indexedLevelOf('110101', 'audit')).toBe('county');
    expect(() => indexedLevelOf('000000', 'audit')).toThrow(ValidationError);
  });
});
