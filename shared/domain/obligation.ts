/**
 * Obligations: every hand-over up the reporting chain is an office's duty with a deadline.
 * Whoever holds one must forward the report to the next office before `dueAt`.
 */
import type { Grade } from './grade';
import type { Category } from './incident';
import { type Handover, limitFor, type Policy } from './policy/policy';
import { NATIONAL, type Region, type RegionChain, type RegionLevel, regionOf } from './regions/regions';
import type { ReportField } from './report-fields';

/** `waived`: an office's assessment lowered the grade so that the duty no longer applies. */
export type ObligationStatus = 'pending' | 'met' | 'missed' | 'waived';

export interface Obligation {
  /** `<incident>-<office>-<hand-over>`: unique, and usable as a Step Functions execution name. */
  readonly obligationId: string;
  readonly incidentId: string;
  /** The office that holds the duty. */
  readonly level: RegionLevel;
  readonly office: string;
  readonly handover: Handover;
  /** The office it must report to. */
  readonly to: { readonly level: RegionLevel; readonly office: string };
  /** When the holder received the report: the window starts here. */
  readonly openedAt: string;
  readonly dueAt: string;
  readonly limitMs: number;
  readonly status: ObligationStatus;
  /** When the holder met it (forwarded), possibly after it was missed. */
  readonly metAt?: string;
  /** How late it was met; 0 when on time. */
  readonly lateByMs?: number;
  /** When the reminder went out. */
  readonly warnedAt?: string;
  /** When its deadline passed unmet and it was marked missed. */
  readonly missedAt?: string;
  /** When the pipeline escalated past the silent holder to `to`. */
  readonly escalatedAt?: string;
  /** The deadline the duty opened with, when a raised grade has since moved it earlier. */
  readonly shortenedFrom?: string;
  /** When a lowered grade lifted the duty. */
  readonly waivedAt?: string;
  /**
   * For a correction owed by a grassroots unit: the unit. `level` and `office` then name the office
   * it reports to, which returned it and answers for nothing in it (docs/domain.md#review-and-return).
   */
  readonly unit?: string;
  /** For a correction: the return it answers — who returned which report, what to correct and why. */
  readonly returned?: ReturnedReport;
}

/** A report an office sent back to its sender for correction (审核退回). */
export interface ReturnedReport {
  /** The office that returned it. */
  readonly by: { readonly level: RegionLevel; readonly office: string };
  /** The report returned: the latest the office had. */
  readonly reportId: string;
  /** The report's own field names that must be corrected, e.g. `casualties.dead`. */
  readonly fields: readonly ReportField[];
  readonly note: string;
}

/** The office above `holder` in the incident's chain (national above a province). */
export const nextOfficeAbove = (chain: RegionChain, holder: Region): Region => {
  switch (holder.level) {
    case 'county':
      return chain.city ?? chain.province;
    case 'city':
      return chain.province;
    case 'province':
      return regionOf(NATIONAL);
    case 'national':
      throw new Error('the national level reports to nobody above it');
  }
};

/** Which limit of the policy governs a hand-over from an office of `level`. */
export const handoverFrom = (level: RegionLevel, category: Category): Handover => {
  switch (level) {
    case 'county':
      // A county reporting straight to its province (仙桃, 济源…) hands over one level too.
      return 'countyToCity';
    case 'city':
      return 'cityToProvince';
    case 'province':
      return category === 'public-health' ? 'publicHealthProvinceToNational' : 'provinceToNational';
    case 'national':
      throw new Error('the national level reports to nobody above it');
  }
};

export interface ForwardingDuty {
  readonly incidentId: string;
  readonly chain: RegionChain;
  readonly holder: Region;
  readonly grade: Grade | null;
  readonly category: Category;
  readonly policy: Policy;
  /** When the holder received the report. */
  readonly receivedAt: Date;
}

/** The holder's duty to forward the report to the next office up, due by the policy in force. */
export const forwardingObligation = (duty: ForwardingDuty): Obligation => {
  const handover = handoverFrom(duty.holder.level, duty.category);
  const to = nextOfficeAbove(duty.chain, duty.holder);
  const limitMs = limitFor(duty.policy, {
    handover,
    region: duty.chain,
    grade: duty.grade,
    category: duty.category,
  });
  return {
    obligationId: `${duty.incidentId}-${duty.holder.code}-${handover}`,
    incidentId: duty.incidentId,
    level: duty.holder.level,
    office: duty.holder.code,
    handover,
    to: { level: to.level, office: to.code },
    openedAt: duty.receivedAt.toISOString(),
    dueAt: new Date(duty.receivedAt.getTime() + limitMs).toISOString(),
    limitMs,
    status: 'pending',
  };
};
