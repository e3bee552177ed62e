/**
 * GET /v1/audit/evidence: an evidence pack for the incidents named, or for those of the
 * inspector's jurisdiction received in a period — one JSON file anyone can verify offline
 * (docs/evidence-pack.md). Answered as an attachment, named after what it covers and its seal.
 * The files the reports name are listed with their status in storage, by hash.
 */
import { apiTablesEnv, makeIncidentAdapters, makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { attachmentsEnv, makeAttachmentStore } from '../../shared/adapters/s3/attachment-store';
import { systemClock } from '../../shared/adapters/system';
import { makeBuildEvidencePack } from '../../shared/application/evidence';
import { readEnv } from '../../shared/config/env';
import { packFileName } from '../../shared/domain/evidence/pack-format';
import { evidenceQuerySchema } from '../../shared/schemas/inspection-queries';

const env = readEnv(apiTablesEnv.extend(officersEnv.shape).extend(attachmentsEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const buildEvidencePack = makeBuildEvidencePack({
  incidents,
  directory: makeOfficerDirectory(env),
  clock: systemClock,
  // Each named file read back and its status in the pack; the files themselves would outgrow one
  // answer, so the pack carries their hashes (`npm run evidence -- --with-files` carries the bytes).
  attachments: makeAttachmentStore(env, systemClock),
  files: 'hashes',
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
