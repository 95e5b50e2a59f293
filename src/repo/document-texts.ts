// The YAML text of each document a snapshot writes, kept from one snapshot to the next in a
// long-running process (the daemon's snapshotter): a document whose body is the same as last
// time is not serialized again. Bodies are compared by a digest of their JSON (their key order is
// fixed by normalization, and the text depends on nothing else), so only the texts are kept, and
// only those of the last snapshot.
import { createHash } from 'node:crypto';
import type { JsonObject } from '../core/document.js';
import { formatYaml } from './yaml.js';

interface Written {
  digest: string;
  text: string;
}

export class DocumentTexts {
  private previous = new Map<string, Written>();
  private current = new Map<string, Written>();
  /** Documents serialized since the last `finish` (the others were the same as last time). */
  serialized = 0;

  /** `remember: false`: a single snapshot, whose texts no later one will compare with (no digests). */
  constructor(private readonly options: { remember: boolean } = { remember: true }) {}

  /** The text of `body` at `file` (with the `$schema` line `schema`), serialized only when it changed. */
  format(file: string, body: JsonObject, schema?: string): string {
    if (!this.options.remember) {
      this.serialized++;
      return formatYaml(body, schema);
    }
    const digest = createHash('sha1').update(schema ?? '').update('\0').update(JSON.stringify(body)).digest('base64');
    const known = this.previous.get(file);
    const written = known?.digest === digest ? known : { digest, text: formatYaml(body, schema) };
    if (written !== known) this.serialized++;
    this.current.set(file, written);
    return written.text;
  }

  /** A new snapshot starts: what an unfinished one formatted is forgotten. */
  begin(): void {
    this.current = new Map();
    this.serialized = 0;
  }

  /** The documents formatted since the last `finish` are what the next snapshot compares with. */
  finish(): void {
    this.previous = this.current;
    this.current = new Map();
    this.serialized = 0;
  }
}
