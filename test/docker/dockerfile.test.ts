// The Dockerfile checked without Docker (no engine runs here or in CI): what it can be checked
// for by reading it next to the repository. Every COPY takes something that exists (in the build
// context, after .dockerignore, or made by an earlier stage); the entry point and what it loads
// at run time are in the image; the default command's flags are flags `octosync watch` parses;
// the health check asks /healthz on the port watch listens on; the user is not root.
//
// The model of a stage is deliberately small: the paths COPY put there, plus the outputs of the
// two commands the build runs (`npm ci` → node_modules, `npm run build` → tsc's outDir). Whether
// the image builds and runs is only proven by building it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { registerWatchCommand } from '../../src/cli/watch.js';
import { NODE_OPTIONS } from '../support/installed-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined; comments and blank lines dropped. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) || (pending === '' && line.trim() === '')) continue;
    const continued = /\\\s*$/.test(line);
    pending += `${line.replace(/\\\s*$/, '').trim()} `;
    if (continued) continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(pending.trim()) ?? [];
    instructions.push({ keyword: keyword.toUpperCase(), args });
    pending = '';
  }
  return instructions;
}

/** Where something in an image comes from: the build context, `npm ci`, or tsc (as the source it compiles). */
type Origin = { from: 'context'; path: string } | { from: 'npm'; path: string } | { from: 'tsc'; path: string };

interface Stage {
  name: string;
  base: string;
  workdir: string;
  /** Absolute paths in the stage → where they come from (a directory covers what is under it). */
  entries: Map<string, Origin>;
  runs: string[];
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  expose: string[];
  healthcheck?: string[];
}

interface Image {
  stages: Stage[];
  /** COPY sources taken from the build context, as written. */
  contextSources: string[];
  /** What could not be resolved (an empty list is the expectation). */
  issues: string[];
}

/** tsc's output folder and the source folder it mirrors, from tsconfig.build.json. */
function tscLayout(): { outDir: string; rootDir: string } {
  const config = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } };
  return { outDir: path.posix.normalize(config.compilerOptions.outDir), rootDir: path.posix.normalize(config.compilerOptions.rootDir) };
}

/** The origin of `file` in a stage: the entry it is (or lies under), with the rest of the path appended. */
function originOf(stage: Stage, file: string): Origin | undefined {
  let best: [string, Origin] | undefined;
  for (const [entry, origin] of stage.entries) {
    if ((file === entry || file.startsWith(`${entry}/`)) && (!best || entry.length > best[0].length)) best = [entry, origin];
  }
  if (!best) return undefined;
  const rest = file.slice(best[0].length).replace(/^\//, '');
  return { ...best[1], path: rest === '' ? best[1].path : path.posix.join(best[1].path, rest) };
}

/** Exec form (`["a", "b"]`) only: the shell form would hide the arguments behind `sh -c`. */
function execForm(args: string, what: string, issues: string[]): string[] | undefined {
  try {
    const value = JSON.parse(args) as unknown;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // reported below
  }
  issues.push(`${what} is not in exec form: ${args}`);
  return undefined;
}

function modelImage(text: string): Image {
  const stages: Stage[] = [];
  const contextSources: string[] = [];
  const issues: string[] = [];
  const tsc = tscLayout();
  for (const { keyword, args } of parseDockerfile(text)) {
    if (keyword === 'FROM') {
      const [base = '', as, name] = args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length), base, workdir: '/', entries: new Map(), runs: [], expose: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (keyword !== 'ARG') issues.push(`${keyword} before the first FROM`);
      continue;
    }
    const inStage = (p: string) => path.posix.resolve(stage.workdir, p);
    if (keyword === 'WORKDIR') stage.workdir = inStage(args);
    else if (keyword === 'USER') stage.user = args;
    else if (keyword === 'EXPOSE') stage.expose.push(...args.split(/\s+/));
    else if (keyword === 'ENTRYPOINT') stage.entrypoint = execForm(args, 'ENTRYPOINT', issues);
    else if (keyword === 'CMD') stage.cmd = execForm(args, 'CMD', issues);
    else if (keyword === 'HEALTHCHECK') {
      const command = /\bCMD\s+(\[.*\])\s*$/.exec(args);
      stage.healthcheck = command?.[1] ? execForm(command[1], 'HEALTHCHECK CMD', issues) : undefined;
    } else if (keyword === 'RUN') {
      stage.runs.push(args);
      if (/\bnpm ci\b/.test(args)) {
        for (const file of ['package.json', 'package-lock.json']) {
          if (originOf(stage, inStage(file))?.from !== 'context') issues.push(`stage ${stage.name}: npm ci runs before ${file} is copied`);
        }
        stage.entries.set(inStage('node_modules'), { from: 'npm', path: 'node_modules' });
      }
      if (/\bnpm run build\b/.test(args)) {
        for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', tsc.rootDir]) {
          if (originOf(stage, inStage(file))?.from !== 'context') issues.push(`stage ${stage.name}: npm run build runs before ${file} is copied`);
        }
        if (originOf(stage, inStage('node_modules/typescript'))?.from !== 'npm') issues.push(`stage ${stage.name}: npm run build runs before typescript is installed`);
        stage.entries.set(inStage(tsc.outDir), { from: 'tsc', path: tsc.rootDir });
      }
    } else if (keyword === 'COPY') {
      const words = args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const dest = paths.pop();
      if (!dest || paths.length === 0) {
        issues.push(`COPY ${args}: needs a source and a destination`);
        continue;
      }
      const fromStage = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      const intoDirectory = dest.endsWith('/') || paths.length > 1;
      for (const source of paths) {
        const target = intoDirectory ? path.posix.join(inStage(dest), path.posix.basename(source)) : inStage(dest);
        if (fromStage === undefined) {
          contextSources.push(source);
          stage.entries.set(target, { from: 'context', path: path.posix.normalize(source).replace(/\/$/, '') });
          continue;
        }
        const previous = stages.slice(0, -1).find((s) => s.name === fromStage);
        const origin = previous ? originOf(previous, path.posix.resolve(previous.workdir, source)) : undefined;
        if (!previous) issues.push(`COPY --from=${fromStage}: no earlier stage of that name`);
        else if (!origin) issues.push(`COPY --from=${fromStage} ${source}: the stage neither copied nor built it`);
        else stage.entries.set(target, origin);
      }
    }
  }
  return { stages, contextSources, issues };
}

/** .dockerignore as Docker reads it: the last pattern matching a path or one of its parents decides. */
function dockerIgnore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!');
      const pattern = path.posix.normalize(line.replace(/^!/, '').replace(/^\/+/, '')).replace(/\/$/, '');
      const source = pattern
        .split('/')
        .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/');
      return { exception, regex: new RegExp(`^${source.replace(/\.\*\//g, '(?:.*/)?')}$`) };
    });
  return (file) => {
    const parts = file.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.exception;
    return ignored;
  };
}

/** Files under a context path (itself when it is a file), relative to the repository. */
function filesUnder(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** Where a file of the final image comes from, as a path in the repository. */
function repositoryFileOf(stage: Stage, file: string): string | undefined {
  const origin = originOf(stage, file);
  if (!origin || origin.from === 'npm') return undefined;
  // tsc maps src/x.ts to dist/x.js: the compiled file exists when its source does.
  return origin.from === 'tsc' ? origin.path.replace(/\.js$/, '.ts') : origin.path;
}

const exists = (relative: string) => {
  try {
    statSync(path.join(ROOT, relative));
    return true;
  } catch {
    return false;
  }
};

describe('Dockerfile', () => {
  const image = modelImage(read('Dockerfile'));
  const ignored = dockerIgnore(read('.dockerignore'));
  const final = image.stages.at(-1) as Stage;
  const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };

  it('has a build stage and a runtime stage, and every COPY --from takes what that stage made', () => {
    expect(image.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(image.issues).toEqual([]);
  });

  it('copies from the build context only files that exist and .dockerignore lets through', () => {
    expect(image.contextSources.length).toBeGreaterThan(0);
    for (const source of image.contextSources) {
      expect(exists(source), `${source} exists`).toBe(true);
      const leftOut = filesUnder(source).filter(ignored);
      expect(leftOut, `files of ${source} left out of the context`).toEqual([]);
    }
  });

  it('keeps the host build, dependencies, Git history and status out of the build context', () => {
    for (const file of ['.git/HEAD', 'node_modules/yaml/package.json', 'dist/main.js', '.octosync/destinations/x/status.json', 'test/docker/dockerfile.test.ts', 'state-repo-example/octosync.yaml']) {
      expect(ignored(file), file).toBe(true);
    }
  });

  it('runs on the Node the project pins for its own scripts, with git, and installs production dependencies without running prepare', () => {
    const pinned = /^\^?(\d+)\./.exec(packageJson.devDependencies.node ?? '')?.[1];
    expect(pinned).toBe('24');
    for (const stage of image.stages) expect(stage.base).toMatch(new RegExp(`^node:${pinned}[-.]`));
    expect(final.runs.some((run) => /apt-get install\b.*\bgit\b/.test(run))).toBe(true);
    // `prepare` builds with tsc, a dev dependency: it cannot run where dev dependencies are left out.
    expect(packageJson.scripts.prepare).toBe('npm run build');
    expect(packageJson.scripts.build).toMatch(/^tsc\b/);
    expect(packageJson.devDependencies).toHaveProperty('typescript');
    const install = final.runs.find((run) => /\bnpm ci\b/.test(run)) ?? '';
    expect(install).toMatch(/--omit=dev\b/);
    expect(install).toMatch(/--ignore-scripts\b/);
  });

  it('starts bin/octosync.js with the Node options of its first line, and the image holds what it loads at run time', () => {
    const [runtime, ...rest] = final.entrypoint ?? [];
    const entry = rest.at(-1) ?? '';
    expect(runtime).toBe('node');
    expect(repositoryFileOf(final, entry)).toBe('bin/octosync.js');
    // As the shell starts an installed `octosync`: `#!/usr/bin/env -S node <options>`.
    expect(rest.slice(0, -1)).toEqual(NODE_OPTIONS);
    expect(rest.slice(0, -1)).toContain('--max-semi-space-size=8');
    expect(packageJson).toMatchObject({ bin: { octosync: 'bin/octosync.js' } });

    // bin/octosync.js imports the compiled main module.
    const imports = [...read('bin/octosync.js').matchAll(/import\s+['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
    expect(imports).toEqual(['../dist/main.js']);
    const main = path.posix.resolve(path.posix.dirname(entry), imports[0] as string);
    expect(repositoryFileOf(final, main)).toBe('src/main.ts');
    expect(exists('src/main.ts')).toBe(true);

    // The compiled schemas module reads the schemas folder two levels up from itself.
    const schemasModule = path.posix.join(path.posix.dirname(main), 'validate/schemas.js');
    expect(repositoryFileOf(final, schemasModule)).toBe('src/validate/schemas.ts');
    const relative = /new URL\('([^']+)', import\.meta\.url\)/.exec(read('src/validate/schemas.ts'))?.[1];
    expect(relative).toBe('../../schemas/');
    const schemas = path.posix.resolve(path.posix.dirname(schemasModule), relative as string);
    expect(repositoryFileOf(final, schemas)).toBe('schemas');
    expect(exists('schemas/destination.schema.json')).toBe(true);

    // Production dependencies are installed next to them.
    expect(originOf(final, path.posix.join(path.posix.dirname(path.posix.dirname(entry)), 'node_modules'))?.from).toBe('npm');
  });

  it('runs watch by default with flags `octosync watch` parses', async () => {
    const [command, ...args] = final.cmd ?? [];
    expect(command).toBe('watch');
    const io = { out: () => {}, err: () => {}, status: () => {}, isTerminal: false, env: {}, untilStopped: () => Promise.resolve() } satisfies CliIo;
    const program = new Command('octosync').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    registerWatchCommand(program, io);
    const watch = program.commands.find((c) => c.name() === 'watch') as Command;
    // The real flags, a harmless action: commander rejects an unknown flag or a missing value.
    watch.action(() => {});
    await program.parseAsync(['watch', ...args], { from: 'user' });
    expect(watch.opts()).toMatchObject({ repo: '/repo', host: '0.0.0.0', port: 8066 });
  });

  it('exposes the port watch listens on and checks its /healthz with node (no curl in the image)', () => {
    const port = String((final.cmd ?? [])[(final.cmd ?? []).indexOf('--port') + 1]);
    expect(final.expose).toEqual([port]);
    const [runtime, flag, script = ''] = final.healthcheck ?? [];
    expect([runtime, flag]).toEqual(['node', '-e']);
    expect(script).toContain(`'http://127.0.0.1:${port}/healthz'`);
    // The daemon's status server answers that route.
    expect(read('src/daemon/server.ts')).toContain("route === 'GET /healthz'");
  });

  it('runs as a user other than root', () => {
    const user = (final.user ?? '').split(':')[0];
    expect(user).not.toBe('');
    expect(['root', '0']).not.toContain(user);
  });
});

describe('the Dockerfile model', () => {
  it('reports a COPY of what no stage made, and a .dockerignore that leaves a source out', () => {
    const text = ['FROM node:20 AS build', 'WORKDIR /app', 'COPY src ./src', 'FROM node:20', 'COPY --from=build /app/dist ./dist'].join('\n');
    expect(modelImage(text).issues).toEqual(['COPY --from=build /app/dist: the stage neither copied nor built it']);
    const ignored = dockerIgnore('*\n!src/\nsrc/**/*.md\n');
    expect([ignored('src/main.ts'), ignored('src/kinds/feeds/README.md'), ignored('README.md')]).toEqual([false, true, true]);
  });
});
