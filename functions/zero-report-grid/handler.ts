/** GET /v1/duty-periods/{id}/zero-reports: a duty period's units by day, within the caller's jurisdiction. */
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { makeReadZeroGrid } from '../../shared/application/duty-desk-reads';
import { dutyPeriodPathSchema, zeroGridQuerySchema } from '../../shared/schemas/queries';
import { composeUnitDuties } from '../unit-duty-composition';

const { deps, accessLog } = composeUnitDuties();
const readZeroGrid = makeReadZeroGrid(deps);

export const handler = apiHandler(
  {
    action: 'GET /v1/duty-periods/{id}/zero-reports',
    input: { path: dutyPeriodPathSchema, query: zeroGridQuerySchema },
    accessLog,
    clock: deps.clock,
  },
  async ({ actor, path, query }) => json(200, await readZeroGrid(actor, path.id, query)),
);
