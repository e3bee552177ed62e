/**
 * The app as the stacks deploy it (no cdk-nag, environment-agnostic, no bundling), built and
 * synthesised once and shared by the infra suites: building and synthesising it costs seconds of
 * CPU each time, and no suite changes it. The infra project runs its files in one worker without
 * isolation (test/vitest.config.ts), so this module, and the build it holds, is loaded once.
 *
 * Each call hands out its own copy of the templates, so a suite that sorts or edits what it reads
 * cannot change what the next one sees.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type PipelineApp } from '../../infra/bin/build-app';

/** Skipping bundling keeps synthesis to seconds; nothing asserted on the templates depends on the code. */
export const fastSynth = { 'aws:cdk:bundling-stacks': [] };

/** Template JSON, typed as loosely as the assertions library types it. */
export type Json = ReturnType<Template['toJSON']>;

export interface SynthesisedPipeline {
  /** The app and its stacks, for the logical ids of their constructs. */
  readonly pipeline: PipelineApp;
  readonly stateful: Json;
  readonly stateless: Json;
}

let built: SynthesisedPipeline | undefined;

export function synthesisedPipeline(): SynthesisedPipeline {
  if (!built) {
    const pipeline = buildApp({ context: fastSynth, nag: false, env: {} });
    built = {
      pipeline,
      stateful: Template.fromStack(pipeline.stateful).toJSON(),
      stateless: Template.fromStack(pipeline.stateless).toJSON(),
    };
  }
  return {
    pipeline: built.pipeline,
    stateful: structuredClone(built.stateful),
    stateless: structuredClone(built.stateless),
  };
}
