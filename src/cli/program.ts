// The command tree. Each command's flags live in a file of their own.
import { Command } from 'commander';
import type { CliIo } from './io.js';
import { registerApplyCommand } from './apply.js';
import { registerDaemonCommand } from './daemon.js';
import { registerHistoryCommand } from './history.js';
import { registerDemoCommand } from './demo.js';
import { registerPlanCommand } from './plan.js';
import { registerPromoteCommand } from './promote.js';
import { registerRevertCommand } from './revert.js';
import { registerSimulatorCommand } from './simulator.js';
import { registerSnapshotCommand } from './snapshot.js';
import { registerStatusCommand } from './status.js';
import { registerValidateCommand } from './validate.js';
import { registerWatchCommand } from './watch.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('octosync')
    .description('GitOps for Octopus Deploy: snapshot an instance into Git, reconcile destinations from it.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });
  registerSnapshotCommand(program, io);
  registerValidateCommand(program, io);
  registerPlanCommand(program, io);
  registerApplyCommand(program, io);
  registerStatusCommand(program, io);
  registerHistoryCommand(program, io);
  registerRevertCommand(program, io);
  registerPromoteCommand(program, io);
  registerWatchCommand(program, io);
  registerDaemonCommand(program, io);
  registerSimulatorCommand(program, io);
  registerDemoCommand(program, io);
  return program;
}
