import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { configSchema, type Config } from './schema.js';

/** A configuration problem, named by its key and where the value came from. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** EASGATE_<SECTION>_<KEY> for every leaf of the schema, plus PORT for server.port. */
export function envNames(): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const [section, def] of Object.entries(configSchema.shape)) {
    const inner = unwrap(def);
    if (inner instanceof z.ZodObject) {
      for (const key of Object.keys(inner.shape)) {
        names.set(`EASGATE_${snake(section)}_${snake(key)}`, [section, key]);
      }
    } else {
      names.set(`EASGATE_${snake(section)}`, [section]);
    }
  }
  names.set('PORT', ['server', 'port']);
  return names;
}

function unwrap(def: unknown): unknown {
  let cur = def as { unwrap?: () => unknown; def?: { innerType?: unknown } };
  for (let i = 0; i < 5; i++) {
    const next = cur?.def?.innerType;
    if (!next) break;
    cur = next as typeof cur;
  }
  return cur;
}

/**
 * Reads the optional JSON file, overlays the environment, validates once.
 * Throws ConfigError naming the bad key, where it came from and the expected form.
 */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = opts.env ?? process.env;
  let raw: Record<string, unknown> = {};
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${opts.file}: ${(err as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('top level must be an object');
      raw = parsed as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config file ${opts.file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const origin = new Map<string, string>();
  for (const [name, path] of envNames()) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (name === 'PORT' && env.EASGATE_SERVER_PORT) continue;
    setPath(raw, path, value);
    origin.set(path.join('.'), name);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      const from = origin.get(key) ? ` (from ${origin.get(key)})` : opts.file ? ` (in ${opts.file})` : '';
      const given = getPath(raw, issue.path.map(String));
      const got = given === undefined ? '' : `, got ${JSON.stringify(given)}`;
      return `  ${key}${from}: ${issue.message}${got}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  rejectUnknownKeys(raw, opts.file);
  return result.data;
}

function getPath(source: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = source;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (!next || typeof next !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

/** A typo in a file key would silently fall back to a default: refuse it instead. */
function rejectUnknownKeys(raw: Record<string, unknown>, file?: string): void {
  const shape = configSchema.shape as Record<string, unknown>;
  for (const [section, value] of Object.entries(raw)) {
    const def = unwrap(shape[section]);
    if (def === undefined) throw new ConfigError(`unknown configuration key "${section}"${file ? ` in ${file}` : ''}; known: ${Object.keys(shape).join(', ')}`);
    if (def instanceof z.ZodObject && value && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        if (!(key in def.shape)) {
          throw new ConfigError(`unknown configuration key "${section}.${key}"${file ? ` in ${file}` : ''}; known: ${Object.keys(def.shape).map((k) => `${section}.${k}`).join(', ')}`);
        }
      }
    }
  }
}
