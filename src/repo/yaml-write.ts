// Writing documents to YAML, fast, with the same bytes as `yaml`'s stringify. `yaml` builds a
// node tree of every document and works out each scalar's style from scratch: a first snapshot of
// a large instance spends seconds there. Documents are plain JSON whose layout is simple (block
// maps and sequences, two spaces per level), so this writer lays out the collections itself and
// asks `yaml` only how to write each distinct scalar: once per key, value and number, cached.
// A scalar's text does not depend on where it stands (lines are never folded: lineWidth 0), except
// for a multi-line string, whose continuation lines carry the indentation of its place; it is
// written once at the top level and its lines moved to the place. Whatever is outside that
// (a key `yaml` writes as an explicit `? key`, a top level that is not a map, -0) is written
// by `yaml` whole, so the output never differs (test/repo/yaml-write.test.ts compares both).
import { Document, stringify } from 'yaml';
import type { ToStringOptions, CreateNodeOptions, DocumentOptions, SchemaOptions } from 'yaml';
import type { Json } from '../core/document.js';

type Options = DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions;

/** A value this writer cannot lay out exactly as `yaml` would: the document goes to `yaml` whole. */
class NotPlain extends Error {}

/** Texts of scalars already asked for (bounded: a daemon writes snapshot after snapshot). */
interface ScalarCache {
  keys: Map<string, string>;
  values: Map<Json, string>;
  size: number;
}

/** Cached characters after which the caches start over. */
const CACHE_LIMIT = 8_000_000;
/** What `yaml` takes for the start of a document in a key's text. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** The indentation `yaml` gives a multi-line value of a top-level key. */
const TOP = '  ';

/**
 * Strings that are plain in any place unless `yaml`'s schema takes them for another type (`yes`,
 * `null`, `e3`): a letter, then letters, digits, spaces and `_./()-`, not ending in a space.
 */
const PLAIN_CANDIDATE = /^[A-Za-z][A-Za-z0-9 _./()-]*$/;
/**
 * Strings of digits (ports, counts, numbers held as text): `yaml` double-quotes those its schema
 * reads as a number, and they need no escape.
 */
const DIGITS = /^[0-9]+$/;
/**
 * Multi-line text `yaml` writes as a literal block with no indentation indicator (a script):
 * printable ASCII lines, the first starting with no space, the text ending with a character
 * other than a space, or with one line break after one.
 */
const SIMPLE_BLOCK = /^[\x21-\x7e][\x20-\x7e\n]*[\x21-\x7e]\n?$/;
/** `yaml` writes a longer key as an explicit `? key`. */
const LONGEST_IMPLICIT_KEY = 1024;

export class YamlWriter {
  private cache: ScalarCache = { keys: new Map(), values: new Map(), size: 0 };
  /** One document for asking `yaml` how it writes a scalar (a new one per question costs more). */
  private readonly probe: Document;
  /** The patterns of the types other than string a plain scalar could be read as, from `yaml`'s own schema. */
  private readonly otherTypes: RegExp[];

  constructor(private readonly options: Options) {
    this.probe = new Document(null, options);
    this.otherTypes = this.probe.schema.tags.flatMap((tag) => (tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test ? [tag.test] : []));
  }

  /** `value` as `stringify(value, options)` writes it. */
  write(value: Json): string {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return stringify(value, this.options);
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}\n';
    // The text is gathered in one list of pieces and joined once (joining at every level copied
    // each nested collection's text once per level above it).
    const out: string[] = [];
    try {
      this.map(value, keys, '', out);
    } catch (error) {
      if (error instanceof NotPlain) return stringify(value, this.options);
      throw error;
    }
    out.push('\n');
    return out.join('');
  }

  /** A non-empty map whose lines start at `indent` (its first line's indentation is the caller's). */
  private map(value: { [key: string]: Json }, keys: readonly string[], indent: string, out: string[]): void {
    const inner = `${indent}  `;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i > 0) out.push('\n', indent);
      out.push(this.key(key, indent), ':');
      // A non-empty collection starts on the next line; a scalar or `[]`/`{}` after the key.
      this.item(value[key] as Json, inner, `\n${inner}`, out);
    }
  }

  /** A non-empty sequence whose lines start at `indent`. */
  private sequence(value: readonly Json[], indent: string, out: string[]): void {
    const inner = `${indent}  `;
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push('\n', indent);
      out.push('- ');
      this.item(value[i] as Json, inner, '', out);
    }
  }

  /**
   * An item of a collection at `indent` (a value's place): `gap` goes before a non-empty nested
   * collection, a space before anything else in a map.
   */
  private item(value: Json, indent: string, gap: string, out: string[]): void {
    const lead = gap === '' ? '' : ' ';
    if (value === null || typeof value !== 'object') {
      out.push(lead, this.scalar(value, indent));
    } else if (Array.isArray(value)) {
      if (value.length === 0) out.push(lead, '[]');
      else {
        out.push(gap);
        this.sequence(value, indent, out);
      }
    } else {
      const keys = Object.keys(value);
      if (keys.length === 0) out.push(lead, '{}');
      else {
        out.push(gap);
        this.map(value, keys, indent, out);
      }
    }
  }

  private key(key: string, indent: string): string {
    let text = this.cache.keys.get(key);
    if (text === undefined) {
      if (key.length <= LONGEST_IMPLICIT_KEY && this.plain(key)) text = key;
      else {
        // `k: 0` tells how `yaml` writes `k` as a key; an explicit key (`? k`) is not laid out here.
        const written = this.ask({ [key]: 0 });
        if (!written.endsWith(': 0\n') || written.startsWith('? ') || written.indexOf('\n') !== written.length - 1) throw new NotPlain();
        text = written.slice(0, -4);
      }
      this.remember(this.cache.keys, key, text);
    }
    // `yaml` quotes a key that starts a line with a document marker only at the top level.
    if (indent !== '' && mayStartMarker(key) && DOCUMENT_MARKER.test(key)) throw new NotPlain();
    return text;
  }

  private scalar(value: string | number | boolean | null, indent: string): string {
    if (Object.is(value, -0)) throw new NotPlain();
    let text = this.cache.values.get(value);
    if (text === undefined) {
      if (typeof value === 'string' && this.plain(value)) text = value;
      else if (typeof value === 'string' && DIGITS.test(value) && this.otherTypes.some((pattern) => pattern.test(value))) text = `"${value}"`;
      else if (typeof value === 'string' && value.includes('\n') && SIMPLE_BLOCK.test(value)) text = literalBlock(value);
      else {
        // `k: <value>` at the top level: the value's text, its continuation lines at two spaces.
        const written = this.ask({ k: value });
        if (!written.startsWith('k: ') || written.length <= 4) throw new NotPlain();
        text = written.slice(3, -1);
        if (text[0] === '\n') throw new NotPlain();
      }
      this.remember(this.cache.values, value, text);
    }
    return indent === TOP || !text.includes('\n') ? text : moveLines(text, indent);
  }

  /** A string `yaml` writes as it is, in any place (see PLAIN_CANDIDATE). */
  private plain(text: string): boolean {
    return PLAIN_CANDIDATE.test(text) && !text.endsWith(' ') && !this.otherTypes.some((pattern) => pattern.test(text));
  }

  /** `value` (a one-entry map) as `yaml` writes it. */
  private ask(value: Record<string, Json>): string {
    this.probe.contents = this.probe.createNode(value);
    return this.probe.toString(this.options);
  }

  private remember<K>(map: Map<K, string>, key: K, text: string): void {
    this.cache.size += text.length + (typeof key === 'string' ? key.length : 8);
    if (this.cache.size > CACHE_LIMIT) this.cache = { keys: new Map(), values: new Map(), size: 0 };
    map.set(key, text);
  }
}

/**
 * A SIMPLE_BLOCK text as `yaml` writes it at the top level: `|` (one final line break kept) or
 * `|-` (none), then its lines at two spaces (empty lines left empty).
 */
function literalBlock(value: string): string {
  const clip = value.endsWith('\n');
  const lines = clip ? value.slice(0, -1) : value;
  return `|${clip ? '' : '-'}\n${TOP}${lines.replace(/\n+/g, `$&${TOP}`)}`;
}

/** Whether a key may hold a document marker at a line's start (the test most keys need not run). */
function mayStartMarker(key: string): boolean {
  const first = key.charCodeAt(0);
  return first === 0x25 /* % */ || first === 0x2d /* - */ || first === 0x2e /* . */ || key.includes('\n');
}

/**
 * A multi-line scalar written at the top level, moved to `indent`: `yaml` starts every non-empty
 * continuation line (of a block literal or a quoted string alike) with the place's indentation,
 * and leaves empty lines empty.
 */
function moveLines(text: string, indent: string): string {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    if (!line.startsWith(TOP)) throw new NotPlain();
    lines[i] = indent + line.slice(TOP.length);
  }
  return lines.join('\n');
}
