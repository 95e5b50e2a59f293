// The one YAML writer and reader. Documents are written with fixed options so the same content
// always gives the same bytes, and multi-line strings (scripts) as block literals so a pull
// request shows a script change line by line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import type { Node } from 'yaml';
import type { Json } from '../core/document.js';
import { YamlWriter } from './yaml-write.js';

export interface YamlProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export class YamlSyntaxError extends Error {
  constructor(readonly problem: YamlProblem) {
    super(`${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
    this.name = 'YamlSyntaxError';
  }
}

// lineWidth 0: never fold long lines (a folded line would be a change nobody made).
// YAML 1.1 quoting rules: strings such as `00:01:00`, `yes` or `0123` are quoted, so tools
// that still read YAML 1.1 see the same strings we wrote (the file itself stays valid 1.2).
const WRITE_OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, blockQuote: 'literal', indent: 2, aliasDuplicateObjects: false } as const;

/** Writes what `stringify` with WRITE_OPTIONS writes, faster (see yaml-write.ts). */
const writer = new YamlWriter(WRITE_OPTIONS);

/** Serializes a document; `schema` adds the yaml-language-server line editors read. */
export function formatYaml(value: Json, schema?: string): string {
  const header = schema ? `# yaml-language-server: $schema=${schema}\n` : '';
  return header + writer.write(value);
}

/** `value` as `yaml`'s own stringify writes it with the options of formatYaml (the reference for the fast writer). */
export function formatYamlByLibrary(value: Json): string {
  return stringify(value, WRITE_OPTIONS);
}

export interface ParsedYaml {
  value: Json;
  /** Line (1-based) of the value at a JSON pointer, or of its nearest parent that exists. */
  lineOf(pointer: string): number;
}

/** Parses one YAML file; a syntax error names the file, line and column. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const position = lineCounter.linePos(error.pos[0]);
    throw new YamlSyntaxError({ file, line: position.line, column: position.col, message: error.message.split('\n')[0] ?? error.message });
  }
  let value: Json;
  try {
    value = (doc.toJS({ maxAliasCount: 100 }) ?? null) as Json;
  } catch (error) {
    // Aliases that expand beyond the limit (a "billion laughs" file): refused, naming the file.
    throw new YamlSyntaxError({ file, line: 1, column: 1, message: (error as Error).message.split('\n')[0] ?? 'cannot be read' });
  }
  return {
    value,
    lineOf: (pointer) => {
      const node = nodeAt(doc.contents, pointer);
      const offset = node?.range?.[0] ?? 0;
      return lineCounter.linePos(offset).line;
    },
  };
}

/** The deepest node along a JSON pointer (`/Steps/0/Name`). */
function nodeAt(root: Node | null, pointer: string): Node | null {
  let node: Node | null = root;
  for (const token of pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === token);
      if (!pair) return node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node)) {
      const item = node.items[Number(token)] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}
