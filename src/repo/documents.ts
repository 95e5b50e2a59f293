// Documents back from a state repository's files (contents in, documents out). The files are
// validated first; this only assembles what validate accepted.
import type { Json, JsonObject, KindDocument, KindName } from '../core/document.js';
import { SPACES_DIR, documentName, locateDocument } from './layout.js';
import { loadYaml } from './yaml-load.js';

/**
 * Documents by space folder (`spaces/<slug>/`), each with its file relative to the space; a file
 * whose value `values` has (what validation read) is not parsed again.
 */
export function readDocuments(files: ReadonlyMap<string, string>, kinds: readonly KindName[], values: ReadonlyMap<string, Json> = new Map()): Map<string, KindDocument[]> {
  const bySpace = new Map<string, KindDocument[]>();
  for (const [path, text] of files) {
    const located = locateDocument(path, kinds);
    if (!located) continue;
    const body = (values.get(path) ?? loadYaml(text, path)) as JsonObject;
    const name = documentName(located.kind, body);
    if (name === undefined) continue;
    const file = path.slice(`${SPACES_DIR}/${located.space}/`.length);
    const docs = bySpace.get(located.space) ?? [];
    docs.push({ kind: located.kind, name, file, body });
    bySpace.set(located.space, docs);
  }
  return bySpace;
}
