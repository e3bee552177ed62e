/**
 * The zero-report store port kept in memory, with the conditions the DynamoDB adapter writes
 * under: a period's id is taken once, an append lands only on the head version it was computed
 * from, and a day is marked checked once.
 */
import type { DutyPeriod, ZeroChainAppend, ZeroChainState, ZeroReportEvent } from '../../shared/domain/zero-reports';
import { ChainConflict, type ZeroReportStore } from '../../shared/ports/zero-report-store';

const key = (periodId: string, unit: string) => `${periodId}/${unit}`;

export class InMemoryZeroReportStore implements ZeroReportStore {
  readonly #periods = new Map<string, DutyPeriod>();
  readonly #checked = new Map<string, Set<string>>();
  readonly #heads = new Map<string, ZeroChainState>();
  readonly #events = new Map<string, ZeroReportEvent[]>();
  /** Appends refused for a stale head: proof that concurrent writers met. */
  conflicts = 0;

  async createPeriod(period: DutyPeriod) {
    const stored = this.#periods.get(period.periodId);
    if (stored) return { created: false, period: structuredClone(stored) };
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
