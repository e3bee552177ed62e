/**
 * The app as the stacks deploy it (no cdk-nag, environment-agnostic, no bundling), built and
 * synthesised once and shared by the infra suites: building and synthesising it costs seconds of
 * CPU each time, and no suite changes it. The infra project runs its files in one worker without
 * isolation (test/vitest.config.ts), so this module, and the build it holds, is loaded once.
 *
 * Each call hands out its own copy of the templates, so a suite that sorts or edits what it reads
 * cannot change what the next one sees.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { buildApp, type PipelineApp } from '../../infra/bin/build-app';
import type { CognitoAccounts } from '../../infra/stacks/stateful-stack';
import type { WebStack } from '../../infra/stacks/web-stack';

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

/** The stacks' optional parts a global build always has: the user pool and the console on CloudFront. */
export function globalParts(pipeline: PipelineApp): { accounts: CognitoAccounts; web: WebStack } {
  const { accounts } = pipeline.stateful;
  if (!accounts || !pipeline.web)
    throw new Error('a global build without an external issuer has a user pool and a web stack');
  return { accounts, web: pipeline.web };
}

/** The context of a China build: Beijing, and an external issuer whose claims are named its own way. */
export const chinaContext = {
  ...fastSynth,
  partition: 'aws-cn',
  oidcIssuer: 'https://id.example.gov.cn/realms/emergency',
  oidcAudience: 'incident-console,incident-field-app',
  oidcClaims: JSON.stringify({
    role: 'emergency_role',
    region: 'division_code',
    unit: 'unit_id',
    level: 'office_level',
  }),
  oidcAuthorizationEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/auth',
  oidcTokenEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/token',
  oidcEndSessionEndpoint: 'https://id.example.gov.cn/realms/emergency/protocol/openid-connect/logout',
  webDomain: 'yingji.example.gov.cn',
  webCertificateArn: 'arn:aws-cn:acm:cn-north-1:111111111111:certificate/abc',
  smsSdkAppId: '1400000001',
  smsSignName: '应急管理',
  smsTemplateId: '2000001',
};

export interface SynthesisedChinaPipeline extends SynthesisedPipeline {
  /** CDK's own CloudFormation validation of the templates for the stacks' region, as synthesis wrote it. */
  readonly validationReport: Json;
}

let builtInChina: SynthesisedChinaPipeline | undefined;

/** The app for the China partition, built and synthesised once, like {@link synthesisedPipeline}. */
export function synthesisedChinaPipeline(): SynthesisedChinaPipeline {
  if (!builtInChina) {
    const pipeline = buildApp({ context: chinaContext, nag: false });
    const assembly = pipeline.app.synth();
    const report = join(assembly.directory, VALIDATION_REPORT_FILE);
    builtInChina = {
      pipeline,
      stateful: assembly.getStackByName(pipeline.stateful.stackName).template,
      stateless: assembly.getStackByName(pipeline.stateless.stackName).template,
      validationReport: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : { pluginReports: [] },
    };
  }
  return {
    pipeline: builtInChina.pipeline,
    stateful: structuredClone(builtInChina.stateful),
    stateless: structuredClone(builtInChina.stateless),
    validationReport: structuredClone(builtInChina.validationReport),
  };
}
