/**
 * Files a function reads from its own folder, generated rather than committed (`generatedFiles` of
 * a function in `infra/api.ts`): at bundling time into the bundle's folder
 * (`write-generated-file.ts`, run by the function construct), and by the local runtime next to the
 * handler's source before it loads the handler.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GeneratedFiles } from '../constructs/pipeline-function';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/** Runs `generator` (a module relative to the repository root; its default export returns the text) into `file`. */
export const writeGeneratedFile = async (generator: string, file: string): Promise<void> => {
  const module = (await import(pathToFileURL(join(repositoryRoot, generator)).href)) as { default?: unknown };
  if (typeof module.default !== 'function') throw new Error(`${generator} has no default export to generate with`);
  const text: unknown = await module.default();
  if (typeof text !== 'string') throw new Error(`${generator} did not return text`);
  // Written aside and renamed, so a runtime starting at the same moment never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, file);
};

/** Writes the generated files of the function whose handler is `entry` next to that handler. */
export const writeGeneratedFilesBeside = async (entry: string, files: GeneratedFiles = {}): Promise<void> => {
  for (const [name, generator] of Object.entries(files)) {
    await writeGeneratedFile(generator, join(repositoryRoot, dirname(entry), name));
  }
};
