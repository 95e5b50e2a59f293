// Destination spaces a destination may create (createSpaces: true) and does not have yet. Made
// before anything else is written, managed by the user whose key octosync uses (Octopus requires
// a space to have managers).
import type { OctopusApi } from '../octopus/index.js';

export async function createSpaces(api: OctopusApi, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const me = await api.get<{ Id: string }>('/api/users/me');
  for (const name of names) await api.post('/api/spaces', { Name: name, SpaceManagersTeamMembers: [me.Id], SpaceManagersTeams: [] });
}
