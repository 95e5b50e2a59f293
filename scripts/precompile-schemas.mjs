// Writes dist/schemas-compiled.cjs: every schema of schemas/ compiled at build time into plain
// validation functions (ajv's standalone code), so that a command validates without compiling
// schemas at its start. Runs after tsc: it uses the compiled src/validate/schemas.ts, so the ajv
// options are the run-time ones. The file carries a digest of the schema files it came from, and
// src/validate/schemas.ts uses it only while the schemas are still those (else it compiles).
import { writeFileSync } from 'node:fs';
import { PRECOMPILED_PATH, precompiledSource, schemaFiles } from '../dist/validate/schemas.js';

writeFileSync(PRECOMPILED_PATH, precompiledSource(schemaFiles()));
