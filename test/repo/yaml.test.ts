import { describe, expect, it } from 'vitest';
import { YamlSyntaxError, formatYaml, parseYaml } from '../../src/repo/yaml.js';

describe('formatYaml', () => {
  it('writes multi-line scripts as block literals, tabs and trailing spaces included', () => {
    const script = 'param($Name)\n\tWrite-Host "Hello $Name"  \nexit 0\n';
    const text = formatYaml({ Name: 'Greet', ScriptBody: script });
    expect(text).toBe('Name: Greet\nScriptBody: |\n  param($Name)\n  \tWrite-Host "Hello $Name"  \n  exit 0\n');
    expect(parseYaml(text, 'x.yaml').value).toEqual({ Name: 'Greet', ScriptBody: script });
  });

  it('quotes strings a YAML 1.1 reader would take for numbers or booleans', () => {
    const value = { Timeout: '00:01:00', Enabled: 'yes', Code: '0123', Real: true, Count: 3 };
    const text = formatYaml(value);
    expect(text).toContain('Timeout: "00:01:00"');
    expect(text).toContain('Enabled: "yes"');
    expect(text).toContain('Real: true');
    expect(parseYaml(text, 'x.yaml').value).toEqual(value);
  });

  it('never folds long lines and starts with the schema line when given', () => {
    const long = 'x'.repeat(500);
    const text = formatYaml({ Name: long }, '../schemas/environments.schema.json');
    expect(text.split('\n')).toEqual(['# yaml-language-server: $schema=../schemas/environments.schema.json', `Name: ${long}`, '']);
  });

  it('gives the same bytes for the same content', () => {
    const value = { Name: 'A', Steps: [{ Name: 's', Properties: { a: '1\n2\n' } }] };
    expect(formatYaml(value)).toBe(formatYaml(structuredClone(value)));
  });
});

describe('parseYaml', () => {
  it('names the file, line and column of a syntax error', () => {
    const error = (() => {
      try {
        parseYaml('Name: ok\nPhases:\n  - Name: a\n   bad: [\n', 'spaces/default/lifecycles/a.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(YamlSyntaxError);
    expect((error as YamlSyntaxError).problem).toMatchObject({ file: 'spaces/default/lifecycles/a.yaml', line: 4 });
    expect((error as Error).message).toMatch(/^spaces\/default\/lifecycles\/a\.yaml:4:\d+: /);
  });

  it('rejects duplicate keys', () => {
    expect(() => parseYaml('Name: a\nName: b\n', 'dup.yaml')).toThrow(/dup\.yaml:2/);
  });

  it('finds the line of a JSON pointer, or of its nearest existing parent', () => {
    const parsed = parseYaml('Name: Web\nSteps:\n  - Name: Deploy\n    Actions:\n      - Name: Run\n        ActionType: 42\n', 'p.yaml');
    expect(parsed.lineOf('/Steps/0/Actions/0/ActionType')).toBe(6);
    expect(parsed.lineOf('/Steps/0/Missing')).toBe(3);
    expect(parsed.lineOf('')).toBe(1);
  });
});
