/** The CDK app, as `cdk synth` and `cdk deploy` run it (see cdk.json). */
import { buildApp } from './build-app';

buildApp();
