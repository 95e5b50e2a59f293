// `octosync validate`: checks a state repository (its working tree, or a commit) and reports
// every problem with file, line and JSON pointer. A state repository's own CI runs it on every
// pull request.
import { kindsInOrder } from '../kinds/registry.js';
import { readFilesAt, resolveRef } from '../repo/git.js';
import { CONFIG_FILE, DESTINATIONS_DIR, SPACES_DIR } from '../repo/layout.js';
import { listFiles, readFiles } from '../repo/state-files.js';
import { validateRepository } from '../validate/repository.js';
import type { Issue, ValidationReport } from '../validate/repository.js';
import { loadSchemas } from '../validate/schemas.js';

export interface ValidateOptions {
  repo: string;
  /** A branch, tag or commit to validate instead of the working tree. */
  ref?: string;
}

export async function runValidate(options: ValidateOptions): Promise<ValidationReport> {
  const files = await readStateFiles(options.repo, options.ref);
  return validateRepository(files, loadSchemas(), kindsInOrder());
}

function isStateFile(file: string): boolean {
  return file === CONFIG_FILE || file.startsWith(`${SPACES_DIR}/`) || file.startsWith(`${DESTINATIONS_DIR}/`);
}

/** The repository's state files, from the working tree or from a commit. */
export async function readStateFiles(repo: string, ref?: string): Promise<Map<string, string>> {
  if (ref) return readFilesAt(repo, await resolveRef(repo, ref), isStateFile);
  return readFiles(repo, (await listFiles(repo)).filter(isStateFile));
}

/** `file:line: pointer: message`, the form editors and CI annotate from. */
export function formatIssue(issue: Issue): string {
  return `${issue.file}:${issue.line}: ${issue.pointer ? `${issue.pointer}: ` : ''}${issue.message}`;
}
