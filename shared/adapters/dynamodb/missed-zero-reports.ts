/**
 * Zero reports not filed by their cut-off, as the inspectors' missed list reads them from the
 * ZeroReports table: the lookup written with each miss (filed by province, sorted by cut-off), not
 * the logs, and the head of each log named, for a late filing and when the office was told.
 */
import { ValidationError } from '../../domain/errors';
import { isWithin } from '../../domain/regions/regions';
import { provincesCovering, type ZeroChainState } from '../../domain/zero-reports';
import type { MissedZeroReport, MissedZeroReports } from '../../ports/missed-zero-reports';
import { HEAD_SK, missedPk, zeroChainPk } from './keys';
import { batchGetAll, queryAll } from './paging';
import { type Item, withoutKeys, type ZeroReportTable } from './zero-report-items';

const instant = (value: string, field: string): string => {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new ValidationError(`${field} is not a time`, [{ field, problem: 'is not an ISO time' }]);
  return new Date(at).toISOString();
};

export const makeDynamoMissedZeroReports = ({ client, table }: ZeroReportTable): MissedZeroReports => ({
  async missedIn(region, from, to) {
    const lower = instant(from, 'from');
    // The sort key continues after the instant, so everything at `to` sorts below `to#~`.
    const upper = `${instant(to, 'to')}#~`;
    const lookups: Item[] = [];
    for (const province of provincesCovering(region)) {
      const items = await queryAll(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': missedPk(province), ':from': lower, ':to': upper },
      });
      lookups.push(...items.filter((item) => isWithin(String(item.county), region)));
    }
    const heads = new Map<string, ZeroChainState>();
    const keys = [...new Set(lookups.map((l) => zeroChainPk(String(l.periodId), String(l.unit))))];
    for (const item of await batchGetAll(
      client,
      table,
      keys.map((pk) => ({ pk, sk: HEAD_SK })),
    )) {
      heads.set(String(item.pk), withoutKeys(item) as unknown as ZeroChainState);
    }
    return lookups
      .map((l): MissedZeroReport => {
        const periodId = String(l.periodId);
        const unit = String(l.unit);
        const date = String(l.date);
        const day = heads.get(zeroChainPk(periodId, unit))?.days[date];
        const filedAfter = day?.filedSeq !== undefined && (day.filedSeq > Number(l.missedSeq) || day.late === true);
        return {
          periodId,
          unit,
          unitName: String(l.unitName),
          county: String(l.county),
          date,
          cutoffAt: String(l.cutoffAt),
          missedAt: String(l.missedAt),
          ...(filedAfter && day?.filedAt ? { filedLateAt: day.filedAt } : {}),
          ...(day?.notifiedAt ? { notifiedAt: day.notifiedAt } : {}),
        };
      })
      .sort((a, b) =>
        `${a.cutoffAt}#${a.county}#${a.periodId}#${a.unit}`.localeCompare(
          `${b.cutoffAt}#${b.county}#${b.periodId}#${b.unit}`,
        ),
      );
  },
});
