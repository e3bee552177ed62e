/**
 * Logger, metrics and tracer, created once per process and shared by every handler in it.
 * The service name comes from POWERTOOLS_SERVICE_NAME, set by the function construct on AWS
 * and by the local runtime.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'incident-pipeline';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'IncidentPipeline' });
// Locally there is no X-Ray daemon: the tracer is a no-op unless running in Lambda.
export const tracer = new Tracer({ serviceName, enabled: Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) });
