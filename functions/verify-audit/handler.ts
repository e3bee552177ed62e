/**
 * GET /v1/audit/verify: recomputes the hash chains of the inspector's jurisdiction, a page at a
 * time, and holds each incident's head to what its log projects to. A page stops at `limit` chains
 * or when its time budget is spent, whichever comes first, and answers `next` to carry on from
 * there: a province holds more logs than one API call can read (`npm run verify-audit` reads them
 * all in one run). The endpoint finds incidents through their heads, as the views do, so an
 * incident whose head was deleted is not among its chains: the CLI's scan for logs without a head
 * (`head-missing`), and a digest it wrote (`chain-missing`), catch that. The files an incident's
 * reports name are read back and hashed: other bytes under a named key are `attachment-mismatch`.
 */
import {
  apiTablesEnv,
  makeAccessDeniedChains,
  makeIncidentAdapters,
  makeZeroReportAuditChains,
  zeroReportsEnv,
} from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { attachmentsEnv, makeAttachmentStore } from '../../shared/adapters/s3/attachment-store';
import { systemClock } from '../../shared/adapters/system';
import { makeIncidentAuditChains, makeVerifyAudit } from '../../shared/application/verify-audit';
import { readEnv } from '../../shared/config/env';
import { pipelineMetrics } from '../../shared/observability';
import { verifyQuerySchema } from '../../shared/schemas/inspection-queries';
import { encodeCursor } from '../../shared/schemas/queries';

/**
 * Well inside the function's 10 s timeout (and API Gateway's 30 s), leaving room for the chain
 * being read when the budget runs out and for the refusals listed with the first page.
 */
const PAGE_BUDGET_MS = 6_000;
/** Refusals listed with the first page; the rest continue at /v1/audit/access-denied. */
const ACCESS_DENIED_ON_FIRST_PAGE = 50;

const env = readEnv(apiTablesEnv.extend(zeroReportsEnv.shape).extend(attachmentsEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const verifyAudit = makeVerifyAudit({
  // The incidents' logs first (resumable through their region indexes), then the units' zero-report
  // logs, then each province's daily chains of refused requests.
  sources: [
    // Each incident's named files are read back and hashed against the log.
    makeIncidentAuditChains({ incidents, attachments: makeAttachmentStore(env, systemClock) }),
    makeZeroReportAuditChains(env),
    makeAccessDeniedChains(env),
  ],
  accessLog,
  clock: systemClock,
});

export const handler = apiHandler(
  {
    action: 'GET /v1/audit/verify',
    roles: ['inspector'],
    input: { query: verifyQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => {
    const { after, accessDenied, ...result } = await verifyAudit(actor, {
      ...(query.region ? { region: query.region } : {}),
      limit: query.limit,
      budgetMs: PAGE_BUDGET_MS,
      accessDeniedLimit: ACCESS_DENIED_ON_FIRST_PAGE,
      ...(query.cursor ? { after: query.cursor } : {}),
    });
    pipelineMetrics.chainsVerified(result.counts.broken);
    return json(200, {
      ...result,
      ...(accessDenied
        ? {
            accessDenied: {
              items: accessDenied.items,
              ...(accessDenied.after ? { next: encodeCursor(accessDenied.after) } : {}),
            },
          }
        : {}),
      ...(after ? { next: encodeCursor(after) } : {}),
    });
  },
);
