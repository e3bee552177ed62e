/**
 * Every handler loads with exactly the environment its function is given on AWS. The local runtime
 * gives every handler every variable, so a handler that reads a variable its function lacks (say,
 * a table it was never granted) would pass every other test and fail at load on AWS.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiFunctions, type FunctionDef } from '../../infra/api';
import { repositoryRoot } from '../../infra/constructs/pipeline-function';
import { writeGeneratedFilesBeside } from '../../infra/tools/generated-files';
import { workerFunctions } from '../../infra/workers';
import { functionEnvironment, lambdaBaseEnvironment } from '../fakes/function-environment';
import { logicalIdOf } from './logical-ids';
import { synthesisedPipeline } from './synthesised';

interface FunctionResource {
  readonly Type: string;
  readonly Properties: { Environment?: { Variables?: Record<string, unknown> } };
}

const definitions: [string, FunctionDef][] = Object.entries<FunctionDef>({ ...apiFunctions, ...workerFunctions });
const { pipeline, stateless } = synthesisedPipeline();
const resources = stateless.Resources as Record<string, FunctionResource>;
const savedEnvironment = { ...process.env };

afterEach(() => {
  process.env = { ...savedEnvironment };
});

describe('each handler, loaded with only its function’s environment', () => {
  it('covers every function of the stack', () => {
    const pipelineFunctions = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .filter(([, resource]) => resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME !== undefined)
      .map(([logicalId]) => logicalId)
      .sort();
    const covered = definitions.map(([, def]) => logicalIdOf(pipeline.stateless.node.findChild(def.id))).sort();
    expect(covered).toEqual(pipelineFunctions);
  });

  it.each(definitions)('%s loads and exports a handler', async (_name, def) => {
    // PREPARE: what the test runner set (log levels), Lambda's own variables, and the function's.
    const variables = resources[logicalIdOf(pipeline.stateless.node.findChild(def.id))]?.Properties.Environment;
    process.env = {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...lambdaBaseEnvironment,
      ...functionEnvironment(variables?.Variables),
    };
    vi.resetModules();
    // What bundling ships beside the bundle (the OpenAPI document), beside the handler's source.
    await writeGeneratedFilesBeside(def.entry, def.generatedFiles);

    // ACT
    const module = (await import(pathToFileURL(join(repositoryRoot, def.entry)).href)) as { handler?: unknown };

    // ASSESS
    expect(typeof module.handler).toBe('function');
  });
});
