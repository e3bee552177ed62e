/**
 * The zero-report store port kept in memory, with the conditions the DynamoDB adapter writes
 * under: a period's id is taken once and only while the period locks of its provinces are at the
 * versions read, an append lands only on the head version it was computed from, and a day is
 * marked checked once.
 */
import {
  type DutyPeriod,
  provincesCovering,
  type ZeroChainAppend,
  type ZeroChainState,
  type ZeroReportEvent,
} from '../../shared/domain/zero-reports';
import { ChainConflict, PeriodsChanged, type ZeroReportStore } from '../../shared/ports/zero-report-store';

const key = (periodId: string, unit: string) => `${periodId}/${unit}`;

export class InMemoryZeroReportStore implements ZeroReportStore {
  readonly #periods = new Map<string, DutyPeriod>();
  readonly #checked = new Map<string, Set<string>>();
  readonly #heads = new Map<string, ZeroChainState>();
  readonly #events = new Map<string, ZeroReportEvent[]>();
  readonly #locks = new Map<string, number>();
  /** Appends refused for a stale head: proof that concurrent writers met. */
  conflicts = 0;
  /** Periods refused for a moved period lock: proof that concurrent activations met. */
  lockConflicts = 0;

  async periodsSnapshot(provinces: readonly string[]) {
    const versions = Object.fromEntries(provinces.map((p) => [p, this.#locks.get(p) ?? 0]));
    // A turn of the event loop between the locks and the periods, as between two reads of a table.
    await Promise.resolve();
    return { periods: await this.periods(), versions };
  }

  async createPeriod(period: DutyPeriod, versions: Readonly<Record<string, number>>) {
    const stored = this.#periods.get(period.periodId);
    if (stored) return { created: false, period: structuredClone(stored) };
    const provinces = provincesCovering(period.region);
    if (provinces.some((p) => (this.#locks.get(p) ?? 0) !== (versions[p] ?? 0))) {
      this.lockConflicts += 1;
      throw new PeriodsChanged(provinces);
    }
    for (const p of provinces) this.#locks.set(p, (versions[p] ?? 0) + 1);
    this.#periods.set(period.periodId, structuredClone(period));
    return { created: true, period: structuredClone(period) };
  }

  async period(periodId: string) {
    const stored = this.#periods.get(periodId);
    return stored ? structuredClone(stored) : undefined;
  }

  async periods() {
    return [...this.#periods.values()].map((p) => structuredClone(p));
  }

  async checkedDays(periodId: string) {
    return new Set(this.#checked.get(periodId) ?? []);
  }

  async markChecked(periodId: string, date: string) {
    const days = this.#checked.get(periodId) ?? new Set<string>();
    days.add(date);
    this.#checked.set(periodId, days);
  }

  async head(periodId: string, unit: string) {
    const head = this.#heads.get(key(periodId, unit));
    return head ? structuredClone(head) : undefined;
  }

  async heads(periodId: string, units: readonly string[]) {
    const found = new Map<string, ZeroChainState>();
    for (const unit of units) {
      const head = await this.head(periodId, unit);
      if (head) found.set(unit, head);
    }
    return found;
  }

  async events(periodId: string, unit: string) {
    return structuredClone(this.#events.get(key(periodId, unit)) ?? []);
  }

  async append(change: ZeroChainAppend) {
    const { periodId, unit } = change.state;
    const current = this.#heads.get(key(periodId, unit));
    if ((current?.version ?? null) !== change.expectedVersion) {
      this.conflicts += 1;
      throw new ChainConflict(periodId, unit);
    }
    this.#heads.set(key(periodId, unit), structuredClone(change.state));
    this.#events.set(key(periodId, unit), [
      ...(this.#events.get(key(periodId, unit)) ?? []),
      ...structuredClone(change.events),
    ]);
  }

  /** Every log, for assertions. */
  allEvents(): readonly ZeroReportEvent[] {
    return [...this.#events.values()].flat();
  }
}
