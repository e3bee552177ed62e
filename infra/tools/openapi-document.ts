/**
 * The text of `GET /v1/openapi.json`: the document `shared/schemas/openapi.ts` builds from the
 * request schemas. Generated when the openapi function is bundled (`generatedFiles` in
 * `infra/api.ts`) and when the local runtime starts, so the function ships JSON instead of zod and
 * the schemas, and builds nothing when it starts.
 */
import { buildOpenApiDocument } from '../../shared/schemas/openapi';

export default (): string => JSON.stringify(buildOpenApiDocument());
