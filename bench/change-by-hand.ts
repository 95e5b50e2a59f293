// Changes made at a simulated server through its API, as a person would, for benchmarks.
import type { Simulator } from '../src/simulator/index.js';

/** Changes one variable of the first project (by name) through the simulator's API. */
export async function changeOneVariable(sim: Simulator, name: string, value: string): Promise<void> {
  const headers = { 'X-Octopus-ApiKey': sim.apiKey, 'Content-Type': 'application/json' };
  const projects = (await (await fetch(`${sim.url}/api/Spaces-1/projects/all`, { headers })).json()) as { Id: string; Name: string; VariableSetId: string }[];
  const project = [...projects].sort((a, b) => a.Name.localeCompare(b.Name))[0];
  if (!project) throw new Error('no project to change');
  const url = `${sim.url}/api/Spaces-1/variables/${project.VariableSetId}`;
  const set = (await (await fetch(url, { headers })).json()) as { Variables: { Name: string; Value: string | null }[] };
  const variable = set.Variables.find((v) => v.Name === name);
  if (!variable) throw new Error(`project ${project.Name} has no variable ${name}`);
  variable.Value = value;
  const response = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(set) });
  if (!response.ok) throw new Error(`could not change ${name}: ${response.status} ${await response.text()}`);
}
