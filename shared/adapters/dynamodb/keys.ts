/** Item keys of the Incidents table: one partition per incident (its head and its events). */
export const incidentPk = (incidentId: string): string => `INC#${incidentId}`;
export const HEAD_SK = 'HEAD';
export const EVENT_SK_PREFIX = 'EVT#';
/** Zero-padded so events sort by sequence number as strings. */
export const eventSk = (seq: number): string => `${EVENT_SK_PREFIX}${String(seq).padStart(10, '0')}`;
export const deniedPk = (province: string): string => `DENIED#${province}`;

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
