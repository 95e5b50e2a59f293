// STUB: filled in by the tenant-variables work.
import type { Routes } from '../routes.js';

export function registerTenantVariables(_routes: Routes): void {}
