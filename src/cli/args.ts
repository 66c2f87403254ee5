/** Command-line grammar of `bragerone`: `node:util` parseArgs (no dependency), help texts, durations and values. */

import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { errorMessage } from '../internal/error-text.js';

/** Names of the commands. */
export type CommandName =
  | 'login'
  | 'logout'
  | 'whoami'
  | 'objects'
  | 'modules'
  | 'params'
  | 'watch'
  | 'set'
  | 'command'
  | 'simulator'
  | 'relay'
  | 'check'
  | 'demo'
  | 'help';

interface CommandSpec {
  /** Positional arguments (a trailing `?` marks an optional one). */
  args: string[];
  /** Command-specific options accepted besides the global ones. */
  opts: string[];
  summary: string;
  /** Extra help lines. */
  details?: string[];
}

/** Every command with its arguments, options and help. */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  login: { args: [], opts: [], summary: 'log in and store the token (password prompted when not given)' },
  logout: { args: [], opts: [], summary: 'revoke the stored token and delete it' },
  whoami: { args: [], opts: [], summary: 'show the signed-in user' },
  objects: { args: [], opts: [], summary: 'list your objects (installations)' },
  modules: { args: ['objectId'], opts: [], summary: 'list the controller modules of an object' },
  params: {
    args: ['devid'],
    opts: ['registers', 'lang'],
    summary: "current parameter values of a module: panel, label, display value and unit (from the web app's catalog)",
    details: [
      '--raw          bare registers grouped by pool (value/unit code/min/max/status) instead of the catalog view',
      "--lang pl|en   language of labels and texts (default: the web app's default language)",
    ],
  },
  watch: {
    args: [],
    opts: ['object', 'module', 'registers', 'lang'],
    summary: 'follow live parameter changes until Ctrl-C or --duration',
    details: [
      '--module DEVID   module to follow (repeatable); default: every module of the object',
      '--object ID      object of the modules; default: the first object (or the one holding --module)',
      '--raw            register keys and raw values instead of labels and display values',
      '--lang pl|en     language of labels and texts',
    ],
  },
  set: {
    args: ['devid', 'symbol', 'value'],
    opts: ['lang'],
    summary: 'change a parameter safely by its catalog symbol and display value (range-checked before sending)',
    details: [
      'bragerone set DEMO0A1B2C PARAM_P4_8 70      boiler set-point to 70 °C (raw limits n/x checked first)',
      'bragerone set DEMO0A1B2C PARAM_0 Manual     enum parameters take their label or raw value',
      'Symbols are listed by `bragerone params <devid> --json`. A value outside the limits exits 1 and sends nothing.',
    ],
  },
  command: {
    args: ['devid'],
    opts: ['raw', 'value', 'pool', 'parameter'],
    summary: 'send a parameter write or a symbolic command',
    details: [
      '--pool P4 --parameter v8 --value 55   write a raw value (POST /module/command); --parameter P4.v8 also works',
      '--raw MODULE_RESTART [--value ONLINE] symbolic command (POST /module/command/raw)',
      'Values are parsed as JSON when possible (55 → number, true → boolean, "55" → string), else taken as text.',
      'Negative numbers need the = form: --value=-5',
    ],
  },
  simulator: {
    args: [],
    opts: ['port', 'host', 'static'],
    summary: 'run the local simulated cloud in the foreground until Ctrl-C (or --duration)',
    details: [
      '--port N             listen port (default: a free port)',
      '--host ADDR          listen address (default 127.0.0.1)',
      '--static /PREFIX=DIR also serve the files of DIR under /PREFIX (repeatable), e.g. --static /app=./dist',
    ],
  },
  relay: {
    args: [],
    opts: ['port', 'host', 'allow-origin'],
    summary: 'run the CORS relay for browser apps on other origins (bragerone/relay) until Ctrl-C (or --duration)',
    details: [
      '--allow-origin URL   page origin allowed to call the relay (repeatable), e.g. https://my.dashboard',
      '--port N             listen port (default 8787)',
      '--host ADDR          listen address (default 127.0.0.1; with 0.0.0.0 set BRAGERONE_RELAY_KEY)',
      'Forwards to --platform / --server (default BragerOne). BRAGERONE_RELAY_KEY: key every request must carry.',
    ],
  },
  check: {
    args: [],
    opts: ['lang'],
    summary:
      'read-only protocol check of your account: what matched, was tolerated or drifted (attach it to bug reports)',
    details: [
      'Never writes; never prints tokens, passwords or module-card personal data. --duration sets the socket window (default 3s).',
    ],
  },
  demo: {
    args: [],
    opts: ['lang'],
    summary: 'offline tour against an embedded simulator: login → objects → modules → params → watch (10s, --duration)',
  },
  help: { args: ['command?'], opts: [], summary: 'show help for a command' },
};

/** Option kinds of `node:util` parseArgs: a value, a flag, a repeatable value. */
const TEXT = { type: 'string' } as const;
const FLAG = { type: 'boolean' } as const;
const LIST = { type: 'string', multiple: true } as const;

const OPTIONS = {
  platform: TEXT,
  server: TEXT,
  simulator: FLAG,
  json: FLAG,
  duration: TEXT,
  email: TEXT,
  password: TEXT,
  verbose: FLAG,
  'token-file': TEXT,
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  object: TEXT,
  module: LIST,
  raw: TEXT,
  value: TEXT,
  pool: TEXT,
  parameter: TEXT,
  port: TEXT,
  host: TEXT,
  static: LIST,
  'allow-origin': LIST,
  lang: TEXT,
  /** `--raw` of `params` and `watch` (a flag there; `command --raw NAME` takes a value). */
  registers: FLAG,
} as const;

const GLOBAL = new Set([
  'platform',
  'server',
  'simulator',
  'json',
  'duration',
  'email',
  'password',
  'verbose',
  'token-file',
  'help',
  'version',
]);

/** Parsed global options. */
export interface GlobalOptions {
  platform?: string;
  server?: string;
  simulator: boolean;
  json: boolean;
  /** `--duration` in ms. */
  duration?: number;
  email?: string;
  password?: string;
  verbose: boolean;
  tokenFile?: string;
  help: boolean;
  version: boolean;
}

/** Parsed command-specific options. */
export interface CommandOptions {
  object?: string;
  module: string[];
  raw?: string;
  value?: string;
  pool?: string;
  parameter?: string;
  port?: string;
  host?: string;
  /** `--static /PREFIX=DIR`, repeatable. */
  static?: string[];
  /** `--allow-origin URL`, repeatable (relay). */
  allowOrigin?: string[];
  /** `--lang`: language of catalog texts. */
  lang?: string;
  /** `--raw` of `params`/`watch`: bare registers instead of the catalog view. */
  registers?: boolean;
}

/** Commands where `--raw` is a flag (the register view) rather than `command --raw NAME`. */
const RAW_FLAG_COMMANDS = new Set(['params', 'watch']);

/** The command word of argv: the first token that is neither an option nor the value of a string option. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return argv[i + 1];
    if (!a.startsWith('-')) return a;
    if (a.includes('=')) continue;
    const name = a.replace(/^-+/, '');
    const spec = (OPTIONS as Record<string, { type: string; short?: string }>)[name];
    const short = Object.values(OPTIONS).find((o) => 'short' in o && `-${o.short}` === a);
    if ((spec?.type ?? short?.type) === 'string') i++;
  }
  return undefined;
}

/** A parsed command line. */
export interface ParsedArgs {
  command: CommandName | null;
  args: string[];
  global: GlobalOptions;
  opts: CommandOptions;
}

/** Parses argv; options may stand before or after the command. Throws {@link UsageError}. */
export function parseCommandLine(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    const word = commandWord(argv);
    const args = word && RAW_FLAG_COMMANDS.has(word) ? argv.map((a) => (a === '--raw' ? '--registers' : a)) : argv;
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(cleanParseError(e));
  }
  const v = parsed.values;
  const [first, ...rest] = parsed.positionals;
  let command: CommandName | null = null;
  if (first !== undefined) {
    if (!Object.hasOwn(COMMANDS, first))
      throw new UsageError(`unknown command "${first.slice(0, 40)}" (see bragerone --help)`);
    command = first as CommandName;
  }
  const global: GlobalOptions = {
    platform: v.platform,
    server: v.server,
    simulator: v.simulator === true,
    json: v.json === true,
    duration: v.duration === undefined ? undefined : parseDuration(v.duration),
    email: v.email,
    password: v.password,
    verbose: v.verbose === true,
    tokenFile: v['token-file'],
    help: v.help === true,
    version: v.version === true,
  };
  const opts: CommandOptions = {
    object: v.object,
    module: v.module ?? [],
    raw: v.raw,
    value: v.value,
    pool: v.pool,
    parameter: v.parameter,
    port: v.port,
    host: v.host,
    static: v.static ?? [],
    allowOrigin: v['allow-origin'] ?? [],
    lang: v.lang,
    registers: v.registers === true,
  };
  if (command && !global.help) {
    const spec = COMMANDS[command];
    for (const name of Object.keys(v)) {
      const shown = name === 'registers' ? 'raw' : name;
      if (!GLOBAL.has(name) && !spec.opts.includes(name))
        throw new UsageError(`option --${shown} is not valid for "${command}"`);
    }
    const required = spec.args.filter((a) => !a.endsWith('?'));
    if (rest.length < required.length)
      throw new UsageError(`"${command}" needs <${required[rest.length]}> (usage: ${usageLine(command)})`);
    if (rest.length > spec.args.length)
      throw new UsageError(`too many arguments for "${command}" (usage: ${usageLine(command)})`);
  }
  if (global.server !== undefined && global.simulator)
    throw new UsageError('--server and --simulator cannot be combined');
  return { command, args: rest, global, opts };
}

function cleanParseError(e: unknown): string {
  const msg = errorMessage(e);
  // parseArgs messages end with a hint about '--'; keep the first sentence, never echo values (could be a password).
  const unknown = /Unknown option '([^']{1,40})/.exec(msg);
  if (unknown) return `unknown option ${unknown[1]} (see bragerone --help)`;
  const missing = /Option '([^']{1,60})' argument missing/.exec(msg);
  if (missing) return `option ${missing[1]} needs a value`;
  const ambiguous = /Option '([^']{1,60})' argument is ambiguous/.exec(msg);
  if (ambiguous?.[1])
    return `option ${ambiguous[1]} got a value starting with "-"; write it as ${ambiguous[1].split(' ')[0]}=VALUE`;
  const first = msg.split(/\.\s/)[0] ?? msg;
  return first.slice(0, 200);
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `3s`, `500ms`, `2m`, `1h`, `1.5s`; a bare number is seconds. Returns milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`invalid duration "${text.slice(0, 40)}" (examples: 3s, 500ms, 2m)`);
  const n = Number(m[1]);
  const unit = UNITS[(m[2] ?? 's').toLowerCase()] as number;
  return Math.round(n * unit);
}

/** `2 s`, `1.5 s`, `500 ms`, `2 min` for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** A command value: JSON when it parses (`55`, `true`, `"x"`, `{"a":1}`), otherwise the text itself. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A positive integer argument (object ids). */
export function parseId(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text.trim())) throw new UsageError(`${what} must be a number, got "${text.slice(0, 40)}"`);
  return Number(text.trim());
}

/** `bragerone <command> <args>` line of one command. */
export function usageLine(command: CommandName): string {
  const spec = COMMANDS[command];
  const args = spec.args.map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : `<${a}>`));
  const opts = spec.opts.length ? ' [options]' : '';
  return ['bragerone', command, ...args].join(' ') + opts;
}

const GLOBAL_HELP = [
  '  --platform bragerone|tisconnect  cloud to use (default bragerone)',
  '  --server URL                     any BragerOne-compatible base URL, e.g. a running simulator (REST = URL/v1)',
  '  --simulator                      run against an embedded simulator (demo account unless --email)',
  '  --email ADDRESS                  account (else BRAGERONE_EMAIL, else the last `login`)',
  '  --password TEXT                  password (else BRAGERONE_PASSWORD, else prompted on the terminal, never echoed);',
  '                                   a given --password always logs in afresh and replaces the stored token',
  '  --token-file PATH                token file (default $XDG_CONFIG_HOME/bragerone/token-<email>.json,',
  '                                   or ~/.config/bragerone/token-<email>.json without XDG_CONFIG_HOME)',
  '  --json                           one JSON document on stdout (NDJSON lines for watch)',
  '  --duration D                     e.g. 3s, 500ms, 2m (watch, demo, simulator, check)',
  '  --verbose                        HTTP trace and stack traces on stderr (secrets redacted)',
  '  -h, --help                       help; -V, --version  version',
];

/** Help text: overall, or of one command. */
export function helpText(command?: CommandName | null): string {
  if (command && command !== 'help') {
    const spec = COMMANDS[command];
    return [
      `Usage: ${usageLine(command)}`,
      '',
      `  ${spec.summary}`,
      ...(spec.details ? ['', ...spec.details.map((d) => `  ${d}`)] : []),
      '',
      'Global options (before or after the command):',
      ...GLOBAL_HELP,
    ].join('\n');
  }
  const names = Object.keys(COMMANDS) as CommandName[];
  const width = Math.max(...names.map((n) => usageLine(n).length - 'bragerone '.length));
  return [
    'Usage: bragerone <command> [arguments] [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${usageLine(n).slice('bragerone '.length).padEnd(width)}  ${COMMANDS[n].summary}`),
    '',
    'Global options (before or after the command):',
    ...GLOBAL_HELP,
    '',
    'Exit codes: 0 ok, 1 usage or other failure, 2 authentication failed, 3 network or upstream unavailable,',
    '130 interrupted (Ctrl-C). SIGTERM/SIGHUP stop long-running commands cleanly (exit 0); a closed output pipe exits 0.',
    'Try `bragerone demo` for an offline tour.',
  ].join('\n');
}
