/**
 * The officer directory and who must hear about what (issue: notify the responsible officers).
 * An office has a first responsible person (its top leader), a directly responsible person (the
 * leader in charge) and a 24-hour duty roster; notifications go to the people the rules name,
 * on the channels they registered.
 */
import { chinaMinuteOfDay } from './china-time';

import { requiredTop } from './escalation';
import { versionAt } from './history';
import type { IncidentEvent } from './incident';
import { NATIONAL, parentOf, regionOf } from './regions/regions';

export const OFFICER_ROLES = ['first-responsible', 'directly-responsible', 'duty-officer'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

export interface Officer {
  /** The office's region code (NATIONAL for the national duty office). */
  readonly office: string;
  readonly personId: string;
  readonly name: string;
  /** The standing roles; duty officers are on the roster too. */
  readonly roles: readonly OfficerRole[];
  readonly endpoints: { readonly email?: string; readonly sms?: string; readonly webhook?: string };
}

/**
 * One shift of an office's 24-hour roster, in China time (UTC+8): `from` inclusive, `to`
 * exclusive, `HH:MM`; a shift whose `to` is not after its `from` runs past midnight.
 */
export interface Shift {
  readonly office: string;
  readonly personId: string;
  readonly from: string;
  readonly to: string;
}

const minutesOf = (hhmm: string): number => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new RangeError(`${hhmm} is not a time like 08:00`);
  return Number(match[1]) * 60 + Number(match[2]);
};

/** Whether a shift covers a moment: 08:00–20:00 covers 07:59? no; 08:00 yes; 19:59 yes; 20:00 no. */
export const covers = (shift: Pick<Shift, 'from' | 'to'>, at: Date): boolean => {
  const from = minutesOf(shift.from);
  const to = minutesOf(shift.to);
  const now = chinaMinuteOfDay(at);
  return from < to ? now >= from && now < to : now >= from || now < to;
};

/** Who is on duty at an office at a moment (several people may share a shift). */
export const onDuty = (roster: readonly Shift[], office: string, at: Date): readonly string[] =>
  roster.filter((s) => s.office === office && covers(s, at)).map((s) => s.personId);

/** Whom a notification is for: an office and a role there (the directory names the people). */
export interface Addressee {
  readonly office: string;
  readonly role: OfficerRole;
}

export type NotificationKind =
  | 'report-arrived'
  | 'deadline-reminder'
  | 'deadline-missed'
  | 'auto-escalated'
  | 'deadline-shortened'
  | 'grave-incident'
  | 'zero-report-missed'
  | 'report-returned';

/** What each kind of notification is called where a reader sees it first (a subject, an SMS). */
export const NOTIFICATION_TITLES: Readonly<Record<NotificationKind, string>> = {
  'report-arrived': 'New report',
  'deadline-reminder': 'Deadline reminder',
  'deadline-missed': 'Deadline missed',
  'auto-escalated': 'Escalated to you',
  'deadline-shortened': 'Deadline moved earlier',
  'grave-incident': 'Grade I/II incident',
  'zero-report-missed': 'Zero report missed',
  'report-returned': 'Report returned for correction',
};

/** The channels an officer can register, in the order messages name them. */
export const CHANNELS = ['email', 'sms', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The channels an officer registered. */
export const channelsOf = (officer: Pick<Officer, 'endpoints'>): Channel[] =>
  CHANNELS.filter((channel) => officer.endpoints[channel] !== undefined);

/** A region code and its name for a message, `110101 东城区`; the bare code if it is not a known region. */
export const place = (code: string): string => {
  try {
    return `${code} ${regionOf(code).name}`;
  } catch {
    return code;
  }
};

/** The office above another (the national duty office above a province). */
const superiorOf = (office: string): string => {
  if (office === NATIONAL) return NATIONAL;
  const level = regionOf(office).level;
  if (level === 'province') return NATIONAL;
  return parentOf(office)?.code ?? NATIONAL;
};

/**
 * Who must hear about an event, by the rules: a report or forward arriving → the receiving
 * office's duty officer (through its new obligation, or the forward itself at the top level); a reminder → its duty officer and directly responsible person; a missed
 * deadline → the late office's first and directly responsible persons and the superior office's
 * duty officer; a deadline moved earlier by a new grade → its holder's duty officer and directly
 * responsible person; an escalation → the office that now has it; a grade I or II incident → the
 * province's and the national duty offices at once.
 */
export const addresseesOf = (
  event: IncidentEvent,
): { readonly kind: NotificationKind; readonly to: readonly Addressee[] }[] => {
  switch (event.type) {
    case 'ObligationOpened': {
      const o = event.data.obligation;
      if (o.handover !== 'correction')
        return [{ kind: 'report-arrived', to: [{ office: o.office, role: 'duty-officer' }] }];
      // A unit reads its returns in its own app; an office below is told like any duty that reaches it.
      return o.unit === undefined
        ? [{ kind: 'report-returned', to: [{ office: o.office, role: 'duty-officer' }] }]
        : [];
    }
    case 'DeadlineWarned':
      return [
        {
          kind: 'deadline-reminder',
          to: [
            { office: event.data.office, role: 'duty-officer' },
            { office: event.data.office, role: 'directly-responsible' },
          ],
        },
      ];
    case 'DeadlineMissed':
      // A unit's correction never sent: the office waiting for it is told, as of a missed zero report.
      if (event.data.unit !== undefined) {
        return [{ kind: 'deadline-missed', to: [{ office: event.data.office, role: 'duty-officer' }] }];
      }
      return [
        {
          kind: 'deadline-missed',
          to: [
            { office: event.data.office, role: 'first-responsible' },
            { office: event.data.office, role: 'directly-responsible' },
            { office: superiorOf(event.data.office), role: 'duty-officer' },
          ],
        },
      ];
    case 'DeadlineShortened':
      // The office has less time than it was told: the people who act and answer for it hear at once.
      return [
        {
          kind: 'deadline-shortened',
          to: [
            { office: event.data.office, role: 'duty-officer' },
            { office: event.data.office, role: 'directly-responsible' },
          ],
        },
      ];
    case 'AutoEscalated':
      return [{ kind: 'auto-escalated', to: [{ office: event.data.to.office, role: 'duty-officer' }] }];
    case 'ReportForwarded':
      // An office that must pass the report on hears of it through its new obligation; the office
      // at the top the grade must reach has no obligation, so it hears of the forward itself.
      return event.data.to.level === requiredTop(event.scope.grade)
        ? [{ kind: 'report-arrived', to: [{ office: event.data.to.office, role: 'duty-officer' }] }]
        : [];
    case 'GradeAssessed':
    case 'ReportSubmitted': {
      const grave = event.scope.grade === 'I' || event.scope.grade === 'II';
      const becameGrave =
        event.type === 'GradeAssessed'
          ? event.data.from !== 'I' && event.data.from !== 'II'
          : event.data.kind === 'initial';
      if (!grave || !becameGrave) return [];
      return [
        {
          kind: 'grave-incident',
          to: [
            { office: event.scope.province, role: 'duty-officer' },
            { office: NATIONAL, role: 'duty-officer' },
          ],
        },
      ];
    }
    default:
      return [];
  }
};

/**
 * An office's directory as one import put it on record: its officers and roster from `effectiveAt`
 * on, until the next version of the office takes effect.
 */
export interface DirectoryVersion {
  readonly effectiveAt: string;
  readonly officers: readonly Officer[];
  readonly roster: readonly Shift[];
}

/**
 * An office's directory through time, oldest version first. An import adds a version and never
 * changes one already there, so who held a post at any past instant stays on record (Decree 493,
 * Arts. 35–36, hold the person responsible at the time).
 */
export interface DirectoryHistory {
  readonly versions: readonly DirectoryVersion[];
}

export { BEFORE_HISTORY, versionAt } from './history';

/** The people an addressee meant at a moment, as the directory held them then: the duty roster for duty officers, roles otherwise. */
export const peopleFor = (addressee: Addressee, history: DirectoryHistory, at: Date): readonly Officer[] => {
  const directory = versionAt(history, at);
  if (!directory) return [];
  const ofOffice = directory.officers.filter((o) => o.office === addressee.office);
  if (addressee.role === 'duty-officer') {
    const onShift = new Set(onDuty(directory.roster, addressee.office, at));
    return ofOffice.filter((o) => onShift.has(o.personId));
  }
  return ofOffice.filter((o) => o.roles.includes(addressee.role));
};
