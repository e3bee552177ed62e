/** GET /v1/incidents/{id}/attachments: what the reports named, what arrived, and short-lived links to read it. */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { attachmentsEnv, makeAttachmentStore } from '../../shared/adapters/s3/attachment-store';
import { systemClock } from '../../shared/adapters/system';
import { makeListAttachments } from '../../shared/application/attachments';
import { readEnv } from '../../shared/config/env';
import { incidentPathSchema } from '../../shared/schemas/queries';

const env = readEnv(apiTablesEnv.extend(attachmentsEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const listAttachments = makeListAttachments({ incidents, attachments: makeAttachmentStore(env, systemClock) });

export const handler = apiHandler(
  { action: 'GET /v1/incidents/{id}/attachments', input: { path: incidentPathSchema }, accessLog, clock: systemClock },
  async ({ actor, path }) => json(200, await listAttachments(actor, path.id)),
);
