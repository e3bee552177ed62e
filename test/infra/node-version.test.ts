import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaNodeMajor, lambdaRuntime, repositoryRoot } from '../../infra/constructs/pipeline-function';

const packageJson = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('the Node version', () => {
  it('of the Lambdas is a Node.js runtime', () => {
    expect(lambdaRuntime.name).toBe(`nodejs${lambdaNodeMajor}.x`);
  });

  it('the tests run on is the Lambdas’ major', () => {
    // npm puts node_modules/.bin (the `node` development dependency) first on its scripts' PATH.
    expect(process.version.split('.')[0]).toBe(`v${lambdaNodeMajor}`);
  });

  it('npm installs for scripts, and engines asks for, is the Lambdas’ major', () => {
    expect(packageJson.devDependencies.node).toMatch(new RegExp(`^${lambdaNodeMajor}\\.\\d+\\.\\d+$`));
    expect(packageJson.engines.node).toBe(`>=${lambdaNodeMajor}`);
  });
});
