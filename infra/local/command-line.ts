/**
 * A command-line tool's arguments, parsed by Node's own parser: a bad command line ends the tool
 * with its usage and exit code 2 (what every tool here means by "cannot run"), and `fail` does the
 * same for what the tool finds wrong with arguments that parsed.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export const commandLine = <T extends ParseArgsConfig>(usage: string, config: T) => {
  const fail = (message: string, showUsage = true): never => {
    console.error(showUsage ? `${message}\n${usage}` : message);
    process.exit(2);
  };
  try {
    return { ...parseArgs(config), fail };
  } catch (error) {
    return fail((error as Error).message);
  }
};
