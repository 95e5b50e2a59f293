// JSON Schema validation of documents, destination files and octosync.yaml with ajv. The schemas
// ship in the package's schemas/ folder; snapshot copies them into each state repository.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { Json } from '../core/document.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its function is `default.default`.
const addFormats = ajvFormats.default.default;

/** The package's schemas folder (the same from src/ under vitest and from dist/ when built). */
export const SCHEMAS_PATH = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** Schema files that only hold definitions other schemas refer to. */
const SHARED_DEFINITIONS = ['common', 'process', 'variables'];

export interface SchemaIssue {
  /** JSON pointer of the offending value. */
  pointer: string;
  message: string;
}

export interface SchemaSet {
  /** Names of the schemas (`environments`, `destination`, ...). */
  names(): string[];
  validate(name: string, value: Json): SchemaIssue[];
  /** The top-level properties a schema declares. */
  properties(name: string): string[];
  /**
   * Compiles every schema now, one per turn of the event loop, so the work can fill the time a
   * command spends waiting for the server instead of following it.
   */
  prepare(): Promise<void>;
}

/** Schema files of the package: `<name>.schema.json` → text. */
export function schemaFiles(): Map<string, string> {
  const files = readdirSync(SCHEMAS_PATH).filter((file) => file.endsWith('.schema.json'));
  return new Map(files.map((file) => [file, readFileSync(`${SCHEMAS_PATH}${file}`, 'utf8')]));
}

let loaded: SchemaSet | undefined;

/**
 * The package's schemas, compiled once per process: compiling them takes a good part of a
 * second, and a daemon plans many destinations, many times.
 */
export function loadSchemas(): SchemaSet {
  loaded ??= compileSchemas();
  return loaded;
}

function compileSchemas(): SchemaSet {
  // ajv's optimization passes over the generated code cost about a third of the compile, more
  // than they save on the documents a command validates.
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, code: { optimize: false } });
  addFormats(ajv);
  const names: string[] = [];
  const properties = new Map<string, string[]>();
  for (const [file, text] of schemaFiles()) {
    const schema = JSON.parse(text) as { properties?: Record<string, unknown> };
    ajv.addSchema(schema, file);
    const name = file.replace(/\.schema\.json$/, '');
    names.push(name);
    properties.set(name, Object.keys(schema.properties ?? {}));
  }
  const compiled = new Map<string, ValidateFunction>();
  const validatorOf = (name: string) => {
    let validator = compiled.get(name);
    if (!validator) {
      validator = ajv.getSchema(`${name}.schema.json`);
      if (!validator) throw new Error(`there is no schema named '${name}'`);
      compiled.set(name, validator);
    }
    return validator;
  };
  return {
    names: () => names.filter((name) => !SHARED_DEFINITIONS.includes(name)),
    properties: (name) => properties.get(name) ?? [],
    validate: (name, value) => {
      const validator = validatorOf(name);
      return validator(value) ? [] : describeErrors(validator.errors ?? []);
    },
    prepare: async () => {
      for (const name of names) {
        if (SHARED_DEFINITIONS.includes(name) || compiled.has(name)) continue;
        await new Promise((resolve) => setImmediate(resolve));
        validatorOf(name);
      }
    },
  };
}

function describeErrors(errors: ErrorObject[]): SchemaIssue[] {
  // allOf/if branches repeat the same failure; keep one line per pointer and message.
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    // Wrappers repeat what an inner keyword says; `not` inside propertyNames is said by propertyNames.
    if (error.keyword === 'if' || error.keyword === 'allOf' || (error.keyword === 'not' && error.schemaPath.includes('propertyNames'))) continue;
    const issue = { pointer: pointerOf(error), message: messageOf(error) };
    const key = `${issue.pointer}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/** A field-name error points at the field itself, so its line is the field's line. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const field = error.keyword === 'propertyNames' || error.keyword === 'additionalProperties' ? (params.propertyName ?? params.additionalProperty) : undefined;
  return field === undefined ? error.instancePath : `${error.instancePath}/${String(field).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field '${String(params.additionalProperty)}'`;
    case 'required':
      return `missing required field '${String(params.missingProperty)}'`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'propertyNames':
      return `field '${String(params.propertyName)}' is not allowed here`;
    case 'false schema':
      return 'this field is not allowed here';
    case 'type':
      return `must be ${String(params.type)}`;
    default:
      return error.message ?? error.keyword;
  }
}
