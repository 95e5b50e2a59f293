// Vitest global setup: says once, before any test runs, whether the Octopus reference data is
// there (see reference-data.ts). Absent: one line on the console and the tests that need it are
// skipped. Absent under CI=true: the run fails here, naming the folder it looked for.
import { referenceDataMissingMessage, referenceDataPresent, referenceDataRequired } from './reference-data.js';

export default function checkReferenceData(): void {
  if (referenceDataPresent) return;
  if (referenceDataRequired) throw new Error(referenceDataMissingMessage());
  console.warn(referenceDataMissingMessage());
}
