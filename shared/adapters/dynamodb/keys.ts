/** Item keys of the Incidents table: one partition per incident (its head and its events). */
export const incidentPk = (incidentId: string): string => `INC#${incidentId}`;
export const HEAD_SK = 'HEAD';
export const EVENT_SK_PREFIX = 'EVT#';
/** Zero-padded so events sort by sequence number as strings. */
export const eventSk = (seq: number): string => `${EVENT_SK_PREFIX}${String(seq).padStart(10, '0')}`;
export const deniedPk = (province: string): string => `DENIED#${province}`;
/** The heads of a province's daily chains of refusals: `DENIED_HEADS#<province>` / `<China date>`. */
export const deniedHeadsPk = (province: string): string => `DENIED_HEADS#${province}`;

/**
 * Incidents with pending obligations are spread over a few index partitions, so the deadline
 * sweeper's reads never pile onto one key.
 */
export const OPEN_SHARDS = 4;
export const openShard = (incidentId: string): string => {
  let hash = 0;
  for (const char of incidentId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return `OPEN#${hash % OPEN_SHARDS}`;
};

/**
 * Item keys of the ZeroReports table: duty periods in one partition (`PERIODS` / `<period id>`);
 * per unit and period a hash-chained log (`ZERO#<period>#<unit>`: `HEAD` and `EVT#<seq>`, as an
 * incident's); the days whose cut-off check is complete (`CHECKED#<period>` / `<date>`); and two
 * lookups written in the same transactions as the logs, filed by province so that a province is one
 * query and a county a filter of it: every log (`CHAINS#<province>` / `<county>#<period>#<unit>`)
 * and every miss by its cut-off (`MISSED#<province>` / `<cutoffAt>#<county>#<period>#<unit>`).
 */
export const PERIODS_PK = 'PERIODS';
export const checkedPk = (periodId: string): string => `CHECKED#${periodId}`;
export const zeroChainPk = (periodId: string, unit: string): string => `ZERO#${periodId}#${unit}`;
export const chainsPk = (province: string): string => `CHAINS#${province}`;
export const missedPk = (province: string): string => `MISSED#${province}`;
/**
 * One lock per province (`PERIOD_LOCKS` / `<province>`, with a `version`), moved in the same
 * transaction as every new duty period covering the province, so two overlapping activations
 * cannot both be written.
 */
export const PERIOD_LOCKS_PK = 'PERIOD_LOCKS';

/**
 * The unit registry in the Officers table: per county (`UNITS#<county>`) one item per version,
 * `AS_OF#<effectiveAt>`, holding its units from then on. Before the registry kept history a county
 * held `UNIT#<unit>` items; they are read as the version before all others.
 */
export const unitsPk = (county: string): string => `UNITS#${county}`;
export const UNIT_SK_PREFIX = 'UNIT#';
export const unitSk = (unitId: string): string => `${UNIT_SK_PREFIX}${unitId}`;
/** Where each unit id is registered: `UNIT#<unit>` / `COUNTY`, with its `county`. */
export const unitIndexPk = (unitId: string): string => `UNIT#${unitId}`;
export const UNIT_INDEX_SK = 'COUNTY';

/**
 * The officer directory in the Officers table: per office (`OFFICE#<code>`) one item per version,
 * `AS_OF#<effectiveAt>` (ISO instants, which sort as strings), holding the office's officers and
 * roster from then on. Before the directory kept history an office held `OFFICER#<person>` and
 * `SHIFT#<person>#<from>` items; they are read as the version before all others.
 */
export const officePk = (office: string): string => `OFFICE#${office}`;
export const DIRECTORY_VERSION_SK_PREFIX = 'AS_OF#';
export const directoryVersionSk = (effectiveAt: Date): string =>
  `${DIRECTORY_VERSION_SK_PREFIX}${effectiveAt.toISOString()}`;
