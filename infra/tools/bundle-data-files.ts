/**
 * Data files that modules read from their own folder at run time instead of compiling them in
 * (`shared/domain/regions/division-data.node.ts`). Bundled, such a module reads from the bundle's
 * folder, so the function construct ships each of these files beside every bundle that names it
 * (`ship-data-files.ts`, run after bundling): the name is in the bundle exactly when the code that
 * reads the file is, since esbuild leaves out what a function never reaches.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/** File name as the reading module names it → the file, relative to the repository root. */
export const dataFilesReadBeside: Readonly<Record<string, string>> = {
  'divisions.json': 'shared/domain/regions/divisions.json',
};

/** Copies into `bundleDirectory` every data file its `index.mjs` names; returns their names. */
export const shipDataFiles = (bundleDirectory: string): string[] => {
  const bundle = readFileSync(join(bundleDirectory, 'index.mjs'), 'utf8');
  const named = Object.entries(dataFilesReadBeside).filter(([name]) => bundle.includes(`"${name}"`));
  for (const [name, source] of named) copyFileSync(join(repositoryRoot, source), join(bundleDirectory, name));
  return named.map(([name]) => name);
};
