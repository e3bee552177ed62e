/**
 * What the functions' bundles get in place of `@aws-sdk/credential-provider-node`, the SDK's default
 * credential chain (`pipelineBundling` in `pipeline-function.ts` aliases it here). Lambda gives a
 * function its execution role's credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN`, which is the first place the default chain looks, so on Lambda this resolves
 * exactly what the chain would, without bundling the rest of it. The local runtime and the tests
 * load the sources and keep the whole chain.
 */
import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

/** The one export of `@aws-sdk/credential-provider-node` the SDK's clients import. */
export const defaultProvider = (init?: FromEnvInit): ReturnType<typeof fromEnv> => fromEnv(init);
