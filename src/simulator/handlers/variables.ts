// STUB: filled in by the variables work.
import type { Routes } from '../routes.js';

export function registerVariables(_routes: Routes): void {}
