/** Where the inspector's screens live, so that each one links to the others the same way. */

/** A late or missed list's filters, as the address keeps them (China days for the period). */
export interface DutyFilter {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly office?: string | undefined;
  readonly kind?: string | undefined;
  readonly grade?: string | undefined;
  readonly unit?: string | undefined;
}

export type DutyList = 'late' | 'missed';

/** The filters as query text, empty ones left out; the same text the API is asked with. */
export const filterQuery = (filter: DutyFilter): string =>
  (['from', 'to', 'office', 'kind', 'grade', 'unit'] as const)
    .flatMap((name) => (filter[name] ? [`${name}=${encodeURIComponent(filter[name] as string)}`] : []))
    .join('&');

export const dutiesHref = (list: DutyList, filter: DutyFilter = {}): string => {
  const query = filterQuery(filter);
  return `/inspect/${list}${query ? `?${query}` : ''}`;
};

export const inspectIncidentHref = (incidentId: string): string =>
  `/inspect/incidents/${encodeURIComponent(incidentId)}`;

/** The inspector's screens, in the order of the navigation and of the inspector's home. */
export const INSPECT_LINKS = [
  { href: '/inspect/late', key: 'inspect.late.nav', about: 'inspect.late.about' },
  { href: '/inspect/missed', key: 'inspect.missed.nav', about: 'inspect.missed.about' },
  { href: '/inspect/offices', key: 'inspect.offices.nav', about: 'inspect.offices.about' },
  { href: '/inspect/candidates', key: 'inspect.candidates.nav', about: 'inspect.candidates.about' },
  { href: '/inspect/verify', key: 'inspect.verify.nav', about: 'inspect.verify.about' },
] as const;
