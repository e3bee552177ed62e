/**
 * The HTTP API's routes and the functions behind them, read by the CDK stateless stack (one
 * Lambda per function, one route per entry) and by the local HTTP server (which imports the same
 * handler files). Adding a route here adds it in both runtimes.
 */
import type { TableName, TopicName } from './resources';

export interface FunctionDef {
  /** Construct id on AWS. */
  readonly id: string;
  /** Handler file, relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly tables?: Readonly<Partial<Record<TableName, 'read' | 'readWrite'>>>;
  readonly publishes?: readonly TopicName[];
}

export interface RouteDef {
  readonly method: 'GET' | 'POST';
  /** API Gateway route path, e.g. `/v1/incidents/{id}`. */
  readonly path: string;
  readonly fn: ApiFunctionName;
  /** Whether the JWT authorizer guards the route. */
  readonly auth: boolean;
}

export const apiFunctions = {
  health: { id: 'HealthFunction', entry: 'functions/health/handler.ts' },
} as const satisfies Record<string, FunctionDef>;

export type ApiFunctionName = keyof typeof apiFunctions;

export const routes: readonly RouteDef[] = [{ method: 'GET', path: '/health', fn: 'health', auth: false }];
