/** Item keys of the Incidents table: one partition per incident (head, events, obligations). */
export const incidentPk = (incidentId: string): string => `INC#${incidentId}`;
export const HEAD_SK = 'HEAD';
export const EVENT_SK_PREFIX = 'EVT#';
export const OBLIGATION_SK_PREFIX = 'OBL#';
/** Zero-padded so events sort by sequence number as strings. */
export const eventSk = (seq: number): string => `${EVENT_SK_PREFIX}${String(seq).padStart(10, '0')}`;
export const obligationSk = (obligationId: string): string => `${OBLIGATION_SK_PREFIX}${obligationId}`;
export const deniedPk = (province: string): string => `DENIED#${province}`;

/** Pending obligations are spread over a few index partitions, so the sweeper's reads never pile onto one key. */
export const OPEN_SHARDS = 4;
export const openShard = (obligationId: string): string => {
  let hash = 0;
  for (const char of obligationId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return `OPEN#${hash % OPEN_SHARDS}`;
};
