/**
 * GET /v1/audit/evidence: an evidence pack for the incidents named, or for those of the
 * inspector's jurisdiction received in a period — one JSON file anyone can verify offline
 * (docs/evidence-pack.md). Answered as an attachment, named after what it covers and its seal.
 */
import { apiTablesEnv, makeIncidentAdapters, makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeBuildEvidencePack } from '../../shared/application/evidence';
import { readEnv } from '../../shared/config/env';
import { packFileName } from '../../shared/domain/evidence/pack-format';
import { evidenceQuerySchema } from '../../shared/schemas/inspection-queries';

const env = readEnv(apiTablesEnv.extend(officersEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const buildEvidencePack = makeBuildEvidencePack({
  incidents,
  directory: makeOfficerDirectory(env),
  clock: systemClock,
});

export const handler = apiHandler(
  {
    action: 'GET /v1/audit/evidence',
    roles: ['inspector'],
    input: { query: evidenceQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => {
    const { incidents: ids, ...period } = query;
    const pack = await buildEvidencePack(actor, ids ? { ids } : period);
    return json(200, pack, { 'content-disposition': `attachment; filename="${packFileName(pack)}"` });
  },
);
