/**
 * The unit registry through time: the units a region obliges at an instant are those of each
 * county's version in effect then, a unit id filed under two counties counting where the registry
 * points it.
 */
import { describe, expect, it } from 'vitest';
import { obligedAt } from '../../shared/application/units';
import { BEFORE_HISTORY, effectiveTimeProblem, versionAt } from '../../shared/domain/history';
import { type CountyRegistryHistory, unitsAt } from '../../shared/domain/unit-registry';
import type { ReportingUnit } from '../../shared/domain/zero-reports';

const unit = (unitId: string, county: string): ReportingUnit => ({
  unitId,
  name: unitId,
  county,
  kind: 'school',
  contact: { name: '王', phone: '+86 10 6601 0099' },
});
const MOVE = '2026-07-01T09:00:00.000Z';
const dongcheng: CountyRegistryHistory = {
  county: '110101',
  versions: [
    { effectiveAt: BEFORE_HISTORY, units: [unit('MV-A', '110101'), unit('ST-C', '110101')] },
    { effectiveAt: MOVE, units: [unit('ST-C', '110101')] },
  ],
};
const xicheng: CountyRegistryHistory = {
  county: '110102',
  versions: [{ effectiveAt: MOVE, units: [unit('MV-A', '110102')] }],
};
const ids = (units: readonly ReportingUnit[]) => units.map((u) => `${u.unitId}@${u.county}`).sort();

describe('the unit registry through time', () => {
  it('answers the version in effect at an instant: from its effective time on, none before the first', () => {
    expect(versionAt(xicheng, new Date('2026-07-01T08:59:59.999Z'))).toBeUndefined();
    expect(versionAt(xicheng, new Date(MOVE))?.effectiveAt).toBe(MOVE);
    expect(ids(unitsAt(dongcheng, new Date('2026-07-01T08:00:00.000Z')))).toEqual(['MV-A@110101', 'ST-C@110101']);
    expect(ids(unitsAt(dongcheng, new Date(MOVE)))).toEqual(['ST-C@110101']);
  });

  it('obliges a moved unit in its old county before the move and in its new one from it', () => {
    const none = new Map<string, string>();
    expect(ids(obligedAt([dongcheng, xicheng], new Date('2026-07-01T08:00:00.000Z'), none).units)).toEqual([
      'MV-A@110101',
      'ST-C@110101',
    ]);
    expect(ids(obligedAt([dongcheng, xicheng], new Date('2026-07-02T08:00:00.000Z'), none).units)).toEqual([
      'MV-A@110102',
      'ST-C@110101',
    ]);
  });

  it('counts a unit filed under two counties where the registry points it, and names it when it points at neither', () => {
    const twice: CountyRegistryHistory = {
      county: '110102',
      versions: [{ effectiveAt: BEFORE_HISTORY, units: [unit('MV-A', '110102')] }],
    };
    const at = new Date('2026-07-01T08:00:00.000Z');
    expect(ids(obligedAt([dongcheng, twice], at, new Map([['MV-A', '110102']])).units)).toEqual([
      'MV-A@110102',
      'ST-C@110101',
    ]);
    const unplaced = obligedAt([dongcheng, twice], at, new Map());
    expect(ids(unplaced.units)).toEqual(['ST-C@110101']);
    expect(unplaced.skipped).toEqual([
      "unit MV-A is registered in 110101 and 110102; import those counties' lists together to keep it in one",
    ]);
  });

  it('takes an import effective now or later, never before now', () => {
    const now = new Date(MOVE);
    expect(effectiveTimeProblem(now, now, 'registry')).toBeUndefined();
    expect(effectiveTimeProblem(new Date('2026-07-02T00:00:00.000Z'), now, 'registry')).toBeUndefined();
    expect(effectiveTimeProblem(new Date('2026-07-01T08:59:59.999Z'), now, 'registry')).toMatch(
      /^effective: 2026-07-01T08:59:59.999Z is before now/,
    );
  });
});
