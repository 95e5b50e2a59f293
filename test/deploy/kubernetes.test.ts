// The Kubernetes manifests (deploy/kubernetes/) checked without a cluster: they parse, the
// container's arguments are flags `octosync watch` parses, the shard count is the replica count
// and every pod name gives a shard, the probes ask routes the status server answers on the port
// it listens on, every secret comes from a Secret, and every reference resolves within the files.
// Whether a cluster runs them is only proven by running them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { CliIo } from '../../src/cli/io.js';
import { registerWatchCommand } from '../../src/cli/watch.js';
import { parseShard } from '../../src/daemon/replicas.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = path.join(ROOT, 'deploy', 'kubernetes');

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML, checked field by field */
type Manifest = Record<string, any>;

const files = readdirSync(DIR).filter((file) => file.endsWith('.yaml'));
const manifests: (Manifest & { file: string })[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return { ...(doc.toJS() as Manifest), file };
  }),
);
const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const statefulSet = ofKind('StatefulSet')[0] as Manifest;
const container = statefulSet?.spec?.template?.spec?.containers?.[0] as Manifest;
const env = new Map<string, Manifest>((container?.env ?? []).map((e: Manifest) => [e.name as string, e]));
const args = (container?.args ?? []) as string[];
const flag = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);

/** `octosync watch` with its real flags and a harmless action. */
function watchCommand(): { program: Command; watch: Command } {
  const io = { out: () => {}, err: () => {}, status: () => {}, isTerminal: false, env: {}, untilStopped: () => Promise.resolve() } satisfies CliIo;
  const program = new Command('octosync').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerWatchCommand(program, io);
  const watch = program.commands.find((c) => c.name() === 'watch') as Command;
  watch.action(() => {});
  return { program, watch };
}

describe('the Kubernetes manifests', () => {
  it('are one StatefulSet with its governing Service and a ConfigMap, all listed by the kustomization', () => {
    expect(ofKind('StatefulSet')).toHaveLength(1);
    const kustomization = ofKind('Kustomization')[0] as Manifest;
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
    const service = ofKind('Service').find((s) => s.metadata.name === statefulSet.spec.serviceName) as Manifest;
    expect(service, 'the service named by serviceName').toBeDefined();
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.selector).toEqual(statefulSet.spec.selector.matchLabels);
    expect(statefulSet.spec.template.metadata.labels).toMatchObject(statefulSet.spec.selector.matchLabels);
  });

  it('run `octosync watch` with flags it parses, every $(VAR) defined in the container', async () => {
    expect(args[0]).toBe('watch');
    const { program, watch } = watchCommand();
    const known = new Set(watch.options.map((o) => o.long));
    for (const arg of args.slice(1)) expect(known.has(arg.split('=')[0]), arg).toBe(true);
    for (const [, name] of args.join(' ').matchAll(/\$\(([A-Z_]+)\)/g)) expect(env.has(name as string), `$(${name}) is defined`).toBe(true);
    // Substituted as Kubernetes does, the arguments parse (commander refuses a bad value or flag).
    const values: Record<string, string> = { POD_NAME: 'octosync-1', OCTOSYNC_REPO: 'https://git.example.com/state.git', OCTOSYNC_POLL_SECONDS: '60', OCTOSYNC_DRIFT_SECONDS: '300' };
    await program.parseAsync(args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => values[name] ?? '')), { from: 'user' });
    expect(watch.opts()).toMatchObject({ repo: values.OCTOSYNC_REPO, host: '0.0.0.0', shard: 'octosync-1/2', pollSeconds: 60 });
  });

  it('give every pod a shard of its own: the count is the replica count, the ordinal the shard', () => {
    const shard = flag('--shard') ?? '';
    expect(shard).toMatch(/^\$\(POD_NAME\)\/\d+$/);
    expect(env.get('POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    const replicas = statefulSet.spec.replicas as number;
    expect(Number(shard.split('/')[1])).toBe(replicas);
    const shards = Array.from({ length: replicas }, (_, ordinal) => parseShard(shard.replace('$(POD_NAME)', `${statefulSet.metadata.name}-${ordinal}`)).index);
    expect(shards).toEqual(Array.from({ length: replicas }, (_, i) => i + 1));
  });

  it('probe /healthz and /readyz on the port the status server listens on (its default)', () => {
    const { watch } = watchCommand();
    const defaultPort = watch.options.find((o) => o.long === '--port')?.defaultValue as number;
    expect(Number(flag('--port') ?? defaultPort)).toBe(defaultPort);
    const port = container.ports.find((p: Manifest) => p.containerPort === defaultPort) as Manifest;
    expect(port, `a container port ${defaultPort}`).toBeDefined();
    const server = readFileSync(path.join(ROOT, 'src/daemon/server.ts'), 'utf8');
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const get = container[probe]?.httpGet as Manifest;
      expect([port.name, port.containerPort], `${probe} port`).toContain(get.port);
      expect(server, `${probe} asks ${get.path}, a route the status server has`).toContain(`route === 'GET ${get.path}'`);
    }
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    const service = ofKind('Service')[0] as Manifest;
    expect(service.spec.ports.map((p: Manifest) => p.targetPort)).toContain(port.name);
  });

  it('take API keys and the Git token from a Secret, never from a literal', () => {
    const secretLike = /KEY|TOKEN|SECRET|PASSWORD/;
    const secrets = [...env.values()].filter((e) => secretLike.test(e.name));
    expect(secrets.map((e) => e.name)).toContain('OCTOSYNC_GIT_TOKEN');
    for (const entry of secrets) {
      expect(entry.value, `${entry.name} has no literal value`).toBeUndefined();
      expect(entry.valueFrom?.secretKeyRef?.name, `${entry.name} comes from a Secret`).toBeDefined();
    }
    expect(ofKind('Secret'), 'no Secret with values in the repository').toEqual([]);
    expect(manifests.flatMap((m) => Object.keys(m.data ?? {})).filter((key) => secretLike.test(key))).toEqual([]);
  });

  it('read the ConfigMap keys it has, run as the image\'s user, and bound their memory', () => {
    const configMaps = new Map(ofKind('ConfigMap').map((c) => [c.metadata.name as string, c]));
    for (const entry of env.values()) {
      const ref = entry.valueFrom?.configMapKeyRef as Manifest | undefined;
      if (ref) expect(configMaps.get(ref.name)?.data?.[ref.key], `${entry.name} from ConfigMap ${ref.name}`).toBeDefined();
    }
    const dockerUser = /^USER\s+(\d+)/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(String(statefulSet.spec.template.spec.securityContext.runAsUser)).toBe(dockerUser);
    expect(statefulSet.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.resources?.requests?.memory).toBeDefined();
    expect(container.resources?.limits?.memory).toBeDefined();
    const stateDir = flag('--state-dir') ?? '';
    expect(container.volumeMounts.some((m: Manifest) => stateDir.startsWith(m.mountPath)), 'the state directory is on a volume').toBe(true);
  });
});
