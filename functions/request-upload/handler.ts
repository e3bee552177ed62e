/** POST /v1/incidents/{id}/attachments: where the unit uploads a file its report named. */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { incidentRegionIn } from '../../shared/adapters/http/refusal-target';
import { attachmentsEnv, makeAttachmentStore } from '../../shared/adapters/s3/attachment-store';
import { systemClock } from '../../shared/adapters/system';
import { makeRequestUpload } from '../../shared/application/attachments';
import { readEnv } from '../../shared/config/env';
import { uploadRequestBodySchema } from '../../shared/schemas/attachments';
import { incidentPathSchema } from '../../shared/schemas/queries';

const env = readEnv(apiTablesEnv.extend(attachmentsEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const requestUpload = makeRequestUpload({ incidents, attachments: makeAttachmentStore(env, systemClock) });

export const handler = apiHandler(
  {
    action: 'POST /v1/incidents/{id}/attachments',
    roles: ['reporter'],
    input: { path: incidentPathSchema, body: uploadRequestBodySchema },
    accessLog,
    clock: systemClock,
    incidentRegion: incidentRegionIn(incidents),
  },
  async ({ actor, path, body }) => json(200, await requestUpload(actor, path.id, body.sha256)),
);
