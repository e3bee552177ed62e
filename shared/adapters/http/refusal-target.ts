/**
 * What a refused request was aimed at, for the record. A refusal is filed under the caller's
 * province and the province of whatever it names, so that both jurisdictions' inspectors see it;
 * a refusal made before any use case ran (the route is not for the caller's role) names nothing
 * yet, so the request itself is read for it: the incident in the path (whose region is looked up),
 * a region in the path, the query or the body.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ForbiddenContext } from '../../domain/errors';
import { isKnownRegion } from '../../domain/regions/regions';
import type { IncidentStore } from '../../ports/incident-store';
import { INCIDENT_ID_PATTERN } from '../../schemas/report';

/** The region of an incident, or nothing if there is no such incident. */
export type IncidentRegion = (incidentId: string) => Promise<string | undefined>;

/** Looks an incident's region up in its head. */
export const incidentRegionIn =
  (incidents: Pick<IncidentStore, 'getState'>): IncidentRegion =>
  async (incidentId) =>
    (await incidents.getState(incidentId))?.regionCode;

const regionIn = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\d{6}$/.test(value) && isKnownRegion(value) ? value : undefined;

/** `regionCode` (a report) or `region` (a duty period) of a JSON body, if it has one; never throws. */
const regionInBody = (event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string | undefined => {
  if (!event.body || event.isBase64Encoded || event.body.length > 64 * 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(event.body);
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { regionCode, region } = parsed as Record<string, unknown>;
    return regionIn(regionCode) ?? regionIn(region);
  } catch {
    return undefined;
  }
};

/**
 * The refusal's context completed from the request: the incident it names and the region of
 * what it names, unless the refusal already says them. A lookup that fails leaves the region out:
 * the refusal is recorded all the same, under the caller's province.
 */
export const refusalTarget = async (
  event: Pick<APIGatewayProxyEventV2, 'pathParameters' | 'queryStringParameters' | 'body' | 'isBase64Encoded'>,
  context: ForbiddenContext,
  incidentRegion?: IncidentRegion,
): Promise<ForbiddenContext> => {
  const pathId = event.pathParameters?.id;
  const incidentId = context.incidentId ?? (pathId && INCIDENT_ID_PATTERN.test(pathId) ? pathId : undefined);
  let targetRegion = context.targetRegion;
  if (targetRegion === undefined && incidentId !== undefined && incidentRegion) {
    targetRegion = await incidentRegion(incidentId).catch(() => undefined);
  }
  targetRegion ??=
    regionIn(event.pathParameters?.region) ??
    regionIn(event.pathParameters?.code) ??
    regionIn(event.queryStringParameters?.region) ??
    regionInBody(event);
  return { ...(targetRegion ? { targetRegion } : {}), ...(incidentId ? { incidentId } : {}) };
};
