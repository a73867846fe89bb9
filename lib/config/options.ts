// The one configuration loader every Rudder process uses. A component declares its options once;
// values come from, in order of precedence: command-line flags, RUDDER_* environment variables, a
// YAML/JSON file given with --config-file, and the declared defaults.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from './duration.js';

type Kind = 'string' | 'number' | 'boolean' | 'duration' | 'list';

interface KindValue {
  string: string;
  number: number;
  boolean: boolean;
  /** milliseconds */
  duration: number;
  list: string[];
}

export interface OptionSpec<K extends Kind = Kind> {
  readonly kind: K;
  readonly default: KindValue[K];
  readonly description: string;
  /** Allowed values for string options. */
  readonly choices?: readonly string[];
}

export type OptionSpecs = Record<string, OptionSpec>;

export type OptionValues<S extends OptionSpecs> = { -readonly [K in keyof S]: KindValue[S[K]['kind']] };

export const option = {
  string: (defaultValue: string, description: string, choices?: readonly string[]): OptionSpec<'string'> => ({
    kind: 'string',
    default: defaultValue,
    description,
    choices,
  }),
  number: (defaultValue: number, description: string): OptionSpec<'number'> => ({ kind: 'number', default: defaultValue, description }),
  boolean: (defaultValue: boolean, description: string): OptionSpec<'boolean'> => ({ kind: 'boolean', default: defaultValue, description }),
  /** Written like Go durations ("500ms", "10s", "5m"); held in milliseconds. */
  duration: (defaultValue: string, description: string): OptionSpec<'duration'> => ({
    kind: 'duration',
    default: parseDuration(defaultValue),
    description,
  }),
  list: (defaultValue: string[], description: string): OptionSpec<'list'> => ({ kind: 'list', default: defaultValue, description }),
};

/** camelCase option name → kebab-case flag name. */
export function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** camelCase option name → RUDDER_UPPER_SNAKE environment variable. */
export function envName(name: string): string {
  return `RUDDER_${flagName(name).replace(/-/g, '_').toUpperCase()}`;
}

function convert(spec: OptionSpec, raw: unknown, where: string): KindValue[Kind] {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (spec.kind) {
    case 'string': {
      if (typeof text !== 'string' && typeof text !== 'number') throw new InvalidArgumentError(`${where}: expected a string`);
      const value = String(text);
      if (spec.choices && !spec.choices.includes(value)) {
        throw new InvalidArgumentError(`${where}: "${value}" is not one of ${spec.choices.join(', ')}`);
      }
      return value;
    }
    case 'number': {
      const value = typeof text === 'number' ? text : Number(text);
      if (typeof text === 'boolean' || text === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`${where}: expected a number`);
      return value;
    }
    case 'boolean': {
      if (typeof text === 'boolean') return text;
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new InvalidArgumentError(`${where}: expected true or false`);
    }
    case 'duration': {
      if (typeof text === 'number') return text;
      if (typeof text !== 'string') throw new InvalidArgumentError(`${where}: expected a duration such as 10s`);
      try {
        return parseDuration(text);
      } catch (error) {
        throw new InvalidArgumentError(`${where}: ${(error as Error).message}`);
      }
    }
    case 'list': {
      if (Array.isArray(text)) return text.map(String);
      if (typeof text !== 'string') throw new InvalidArgumentError(`${where}: expected a comma-separated list`);
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    }
  }
}

export interface LoadOptionsInput {
  /** Arguments after the program name. */
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Shown in --help. */
  description?: string;
}

/**
 * Parses the component's options. Exits the process with a usage message on bad flags, like every
 * command-line tool; throws (for tests) only when `exitOverride` is wanted via {@link parseOptions}.
 */
export function loadOptions<S extends OptionSpecs>(component: string, specs: S, input: LoadOptionsInput = {}): OptionValues<S> {
  try {
    return parseOptions(component, specs, input);
  } catch (error) {
    if (error instanceof OptionsError) {
      if (error.exitCode === 0) process.exit(0);
      process.stderr.write(`${component}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

export class OptionsError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'OptionsError';
  }
}

/** Like {@link loadOptions} but throws OptionsError instead of exiting. */
export function parseOptions<S extends OptionSpecs>(component: string, specs: S, input: LoadOptionsInput = {}): OptionValues<S> {
  const env = input.env ?? process.env;
  const command = new Command(component).description(input.description ?? '').allowExcessArguments(false);
  command.exitOverride();
  command.configureOutput({ writeErr: () => undefined, writeOut: (text) => process.stdout.write(text) });
  command.option('--config-file <path>', 'a YAML or JSON file of option values (keys as the flag names)');
  for (const [name, spec] of Object.entries(specs)) {
    const flag = flagName(name);
    const placeholder = spec.kind === 'boolean' ? '[bool]' : `<${spec.kind === 'list' ? 'a,b' : spec.kind}>`;
    const opt = new Option(`--${flag} ${placeholder}`, spec.description);
    opt.argParser((raw: string) => convert(spec, spec.kind === 'boolean' && raw === undefined ? 'true' : raw, `--${flag}`));
    if (spec.kind === 'boolean') opt.preset('true');
    command.addOption(opt);
  }
  try {
    command.parse([...(input.argv ?? process.argv.slice(2))], { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number; code?: string }).exitCode ?? 2;
    const message = (error as Error).message.replace(/^error: /, '');
    throw new OptionsError(message, (error as { code?: string }).code === 'commander.helpDisplayed' ? 0 : code);
  }
  const parsed = command.opts<Record<string, unknown>>();

  let fileValues: Record<string, unknown> = {};
  const configFile = (parsed.configFile as string | undefined) ?? env.RUDDER_CONFIG_FILE;
  if (configFile) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(configFile, 'utf8'));
    } catch (error) {
      throw new OptionsError(`cannot read --config-file ${configFile}: ${(error as Error).message}`, 2);
    }
    if (doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) throw new OptionsError(`${configFile}: expected a mapping of option names to values`, 2);
    fileValues = (doc ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(fileValues)) {
      const known = Object.keys(specs).some((name) => name === key || flagName(name) === key);
      if (!known) throw new OptionsError(`${configFile}: unknown option "${key}"`, 2);
    }
  }

  const values: Record<string, unknown> = {};
  try {
    for (const [name, spec] of Object.entries(specs)) {
      if (parsed[name] !== undefined) values[name] = parsed[name];
      else if (env[envName(name)] !== undefined) values[name] = convert(spec, env[envName(name)], envName(name));
      else if (fileValues[name] !== undefined) values[name] = convert(spec, fileValues[name], `${configFile}: ${name}`);
      else if (fileValues[flagName(name)] !== undefined) values[name] = convert(spec, fileValues[flagName(name)], `${configFile}: ${flagName(name)}`);
      else values[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    }
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new OptionsError(error.message, 2);
    throw error;
  }
  return values as OptionValues<S>;
}

/** The flags that reproduce the given values, for a parent process starting a component. */
export function toArgs<S extends OptionSpecs>(specs: S, values: Partial<OptionValues<S>>): string[] {
  const args: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const value = (values as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const rendered =
      spec.kind === 'list' ? (value as string[]).join(',') : spec.kind === 'duration' ? `${value as number}ms` : String(value);
    args.push(`--${flagName(name)}`, rendered);
  }
  return args;
}
