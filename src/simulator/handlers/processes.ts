// STUB: filled in by the processes work.
import type { Routes } from '../routes.js';

export function registerProcesses(_routes: Routes): void {}
