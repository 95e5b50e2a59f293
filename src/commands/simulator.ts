// `octosync simulator`: serve a simulated Octopus Server until interrupted.
import { startSimulator } from '../simulator/index.js';
import type { Simulator, SimulatorOptions } from '../simulator/index.js';

export interface SimulatorCommandOptions extends SimulatorOptions {
  /** Where to print what a user needs to connect. */
  print: (line: string) => void;
  /** Resolves when the process is asked to stop. */
  untilStopped: Promise<void>;
}

export async function runSimulator(options: SimulatorCommandOptions): Promise<void> {
  const simulator: Simulator = await startSimulator(options);
  options.print(`Octopus simulator listening on ${simulator.url}`);
  options.print(`API key: ${simulator.apiKey}`);
  const settings = simulator.instance.settings;
  options.print(`Octopus Server ${settings.version} (${settings.flavour}), scoped tenant variables ${settings.tenantVariableScoping ? 'on' : 'off'}.`);
  options.print(`Seed: ${options.seed ?? 'empty'}. Press Ctrl+C to stop.`);
  await options.untilStopped;
  await simulator.close();
}
