import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PipelineApp } from '../../infra/bin/build-app';

const fastSynth = { 'aws:cdk:bundling-stacks': [] };

interface Acknowledgment {
  readonly path: string;
  readonly construct: IConstruct;
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledged rule in the app, where it was acknowledged and why. */
function acknowledgmentsIn(app: App): Acknowledgment[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          construct,
          // CDK files them under the annotation namespace; cdk-nag matches them without it.
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

let pipeline: PipelineApp;
let reportText: string;

beforeAll(() => {
  // PREPARE + ACT: the app exactly as `npm run synth` builds it, cdk-nag included. Synthesis throws
  // on any violation that is not acknowledged.
  pipeline = buildApp({ context: fastSynth });
  const assembly = pipeline.app.synth();
  reportText = readFileSync(path.join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8');
});

describe('cdk-nag AWS Solutions checks', () => {
  it('are really applied: they flag a plain queue', () => {
    // A canary: if cdk-nag saw a different copy of aws-cdk-lib its rules would silently match nothing.
    const app = new App();
    new Queue(new Stack(app, 'Canary'), 'Plain');

    const rules = new AwsSolutionsChecks().validateScope(app).violations.map((violation) => violation.ruleName);

    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  it('report no error and no warning that is not acknowledged', () => {
    const violations = new AwsSolutionsChecks().validateScope(pipeline.app).violations;

    expect(
      violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });

  it('leave an empty validation report at synthesis (no cdk-nag or CloudFormation findings)', () => {
    expect(JSON.parse(reportText).pluginReports).toEqual([]);
  });

  it('are acknowledged only on single resources, finding by finding, each with a reason', () => {
    const acknowledgments = acknowledgmentsIn(pipeline.app);

    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { path: where, construct, id, reason } of acknowledgments) {
      expect(Stack.isStack(construct) || App.isApp(construct), `${id} acknowledged on a whole stack at ${where}`).toBe(
        false,
      );
      expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      // Wildcard findings are acknowledged one at a time, never the whole rule.
      if (/^AwsSolutions-IAM[45]/.test(id)) expect(id).toMatch(/\[.+\]$/);
      expect(reason.length, `reason for ${id} at ${where}`).toBeGreaterThan(40);
    }
  });
});
