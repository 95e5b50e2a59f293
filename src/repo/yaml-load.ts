// Loading YAML to plain data, fast. `yaml` (yaml.ts) builds a syntax tree with the position of
// every node, which a plan of thousands of files pays for in seconds and memory though it needs
// positions only for a file with a problem. js-yaml loads the same text several times faster,
// straight to data. It is held to the YAML 1.2 core schema exactly as `yaml` resolves it (yaml-plain.ts),
// and any file it does not take as plainly as that (a syntax error, a tag, a directive, aliases of
// collections) is parsed by `yaml` instead, whose errors name the line and column and whose alias
// limit refuses a "billion laughs" file. So both give the same value for every file.
import type { Json } from '../core/document.js';
import { parseYaml } from './yaml.js';
import { loadPlainly } from './yaml-plain.js';

/** A YAML file's value; a file that cannot be read names its file, line and column (YamlSyntaxError). */
export function loadYaml(text: string, file: string): Json {
  const fast = loadPlainly(text);
  return fast === undefined ? parseYaml(text, file).value : fast.value;
}
