// Preloaded (`node --import`) into a command the scale benchmark runs: prints the process's peak
// resident memory and the CPU time it used on exit, on a line of its own on stderr, for the
// benchmark to read (CPU time says what the process itself did when other work shares the cores).
import { writeSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(2, `\nBENCH_USAGE peakRssKb=${usage.maxRSS} cpuUs=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
