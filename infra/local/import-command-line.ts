/**
 * The command line of the registry importers (`npm run officers` and `npm run units`): `import FILE`;
 * for a CSV, `--encoding utf-8|gb18030` (without it, UTF-8 if the bytes are UTF-8, otherwise
 * GB18030: see `decodeFile` in shared/schemas/csv.ts); `--effective`, when the file takes effect,
 * an ISO instant with its offset such as 2026-12-01T08:00:00+08:00 (now if not given). Throws on a
 * command line it cannot read.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const parseImportCommandLine = (args?: string[]) => {
  const { values, positionals } = parseArgs({
    ...(args ? { args } : {}),
    options: { encoding: { type: 'string' }, effective: { type: 'string' } },
    allowPositionals: true,
  });
  const [command, file, ...extra] = positionals;
  if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(' ')}`);
  const encoding = values.encoding?.toLowerCase();
  if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'gb18030') {
    throw new Error(`--encoding must be utf-8 or gb18030, not ${values.encoding}`);
  }
  const effective = values.effective === undefined ? undefined : new Date(values.effective);
  // An instant without its offset would be read in this machine's zone, whatever the office meant.
  if (
    effective !== undefined &&
    (Number.isNaN(effective.getTime()) || !/[zZ]|[+-]\d\d:\d\d$/.test(values.effective ?? ''))
  ) {
    throw new Error(
      `--effective must be an instant with its offset, such as 2026-12-01T08:00:00+08:00, not ${values.effective}`,
    );
  }
  return { command, file, encoding, effective } as const;
};

/**
 * The importer's command line read for running: what it cannot read, a command other than
 * `import`, a missing FILE and a file that is not there all end the tool with exit code 2 (the
 * usage with the first three).
 */
export const importCommandLine = (usage: string) => {
  const exit = (message: string): never => {
    console.error(message);
    process.exit(2);
  };
  let parsed: ReturnType<typeof parseImportCommandLine>;
  try {
    parsed = parseImportCommandLine();
  } catch (error) {
    return exit(`${(error as Error).message}\n${usage}`);
  }
  const { command, file, encoding, effective } = parsed;
  if (command !== 'import' || !file) return exit(usage);
  if (!existsSync(file)) return exit(`no such file: ${file}`);
  return { file, encoding, effective };
};
