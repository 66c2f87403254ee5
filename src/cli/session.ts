/**
 * Per-run state of the CLI: which server (platform, --server URL or an embedded simulator), which account,
 * where its token lives, how the password is obtained, and the API clients created for the command.
 */

import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Token, TokenStore } from '../auth/token.js';
import { MemoryTokenStore } from '../stores/memory.js';
import type { Credentials } from '../auth/session.js';
import { BragerOneApiClient, type ClientOptions } from '../client.js';
import { BRAGERONE_SERVER, type ServerConfig, defineServer, serverFor, trimBase } from '../server.js';
import type { Simulator } from '../simulator/types.js';
import { FileTokenStore, defaultTokenPath, safeTokenFileName } from '../stores/file.js';
import type { GlobalOptions } from './args.js';
import { CliError, EXIT, UsageError } from './errors.js';
import type { CliIo, Output } from './io.js';
import { canPrompt, promptHidden } from './prompt.js';

/** Plant tick of the simulators the CLI embeds (values drift once a second). */
export const EMBEDDED_TICK_MS = 1000;

/** Demo account of the simulator (public, printed by `simulator` and `demo`). */
export interface DemoAccount {
  email: string;
  password: string;
  objectId: number;
  modules: readonly string[];
}

/** Where the commands talk to. */
export interface Target {
  server: ServerConfig;
  /** The embedded simulator (`--simulator`, `demo`), if any. */
  sim: Simulator | null;
  demo: DemoAccount | null;
}

/** Starts an embedded simulator (loaded on demand so other commands never load the server code). */
export async function startEmbeddedSimulator(
  opts: { port?: number; host?: string; tickInterval?: number; staticDirs?: Record<string, string> } = {},
): Promise<{ sim: Simulator; demo: DemoAccount }> {
  const m = await import('../simulator/index.js');
  const sim = await m.startSimulator({ tickInterval: EMBEDDED_TICK_MS, ...opts });
  return {
    sim,
    demo: { email: m.DEMO_EMAIL, password: m.DEMO_PASSWORD, objectId: m.DEMO_OBJECT_ID, modules: m.DEMO_MODULES },
  };
}

/** Server config of a `--server` URL: REST base = URL + `/v1` (a trailing `/v1` in the URL is accepted too). */
export function serverFromUrl(url: string, platform?: string): ServerConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--server needs an http(s) URL, got "${url.slice(0, 60)}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError('--server needs an http:// or https:// URL');
  let base = trimBase(`${u.origin}${u.pathname}`);
  if (base.endsWith('/v1')) base = base.slice(0, -3);
  const container = platform ? platformServer(platform).container : BRAGERONE_SERVER.container;
  return defineServer({ ioBase: base, container });
}

function platformServer(platform: string): ServerConfig {
  try {
    return serverFor(platform);
  } catch {
    throw new UsageError(`--platform must be "bragerone" or "tisconnect", got "${platform.slice(0, 40)}"`);
  }
}

/** File of the CLI's remembered accounts (`{ accounts: { <REST base>: email } }`; no secrets). */
export function accountsFile(): string {
  return resolve(dirname(defaultTokenPath()), 'cli.json');
}

type AccountsDoc = { accounts: Record<string, string> };

async function readAccounts(): Promise<AccountsDoc> {
  try {
    const doc = JSON.parse(await readFile(accountsFile(), 'utf8')) as unknown;
    const acc = (doc as { accounts?: unknown })?.accounts;
    if (acc && typeof acc === 'object' && !Array.isArray(acc)) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(acc)) if (typeof v === 'string') out[k] = v;
      return { accounts: out };
    }
  } catch {
    /* missing or corrupt: nothing remembered */
  }
  return { accounts: {} };
}

async function writeAccounts(doc: AccountsDoc): Promise<void> {
  const file = accountsFile();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/** Key of an account's default token file: the email on BragerOne, `email+host` on any other server. */
function tokenKey(server: ServerConfig, email: string): string {
  return server.apiBase === BRAGERONE_SERVER.apiBase ? email : `${email}+${new URL(server.ioBase).host}`;
}

/** The state of one CLI run. Call {@link close} at the end. */
export class Session {
  readonly g: GlobalOptions;
  readonly out: Output;
  readonly io: CliIo;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  #target: Promise<Target> | null = null;
  #remembered: string | undefined;
  #password: string | null = null;
  /** Whether this run already logged in with a `--password` given on the command line. */
  #freshLogin = false;
  readonly #clients: BragerOneApiClient[] = [];
  readonly #cleanups: Array<() => Promise<void> | void> = [];

  constructor(g: GlobalOptions, out: Output, io: CliIo, signal: AbortSignal) {
    this.g = g;
    this.out = out;
    this.io = io;
    this.signal = signal;
    out.secretSource = () => this.secrets();
  }

  /** Resolves the server once; `--simulator` starts the embedded simulator here. */
  target(): Promise<Target> {
    this.#target ??= (async () => {
      if (this.g.simulator) {
        const { sim, demo } = await startEmbeddedSimulator();
        this.#cleanups.push(() => sim.close());
        return { server: sim.server, sim, demo };
      }
      if (this.g.server !== undefined)
        return { server: serverFromUrl(this.g.server, this.g.platform), sim: null, demo: null };
      return { server: this.g.platform ? platformServer(this.g.platform) : BRAGERONE_SERVER, sim: null, demo: null };
    })();
    return this.#target;
  }

  /** Uses an already running simulator as the target (the `demo` command). */
  useSimulator(sim: Simulator, demo: DemoAccount): void {
    this.#target = Promise.resolve({ server: sim.server, sim, demo });
  }

  /** Registers work to run on {@link close} (after the clients are closed). */
  onClose(fn: () => Promise<void> | void): void {
    this.#cleanups.push(fn);
  }

  /** The account: `--email`, else (embedded simulator) the demo account, else BRAGERONE_EMAIL, else the last login on this server. */
  async email(): Promise<string | undefined> {
    const t = await this.target();
    if (this.g.email) return this.g.email.trim();
    if (t.demo) return t.demo.email;
    const env = this.io.env.BRAGERONE_EMAIL?.trim();
    if (env) return env;
    if (this.#remembered === undefined) this.#remembered = (await readAccounts()).accounts[t.server.apiBase] ?? '';
    return this.#remembered || undefined;
  }

  /**
   * The password: `--password`, else (simulator demo account) the demo password, else BRAGERONE_PASSWORD, else a
   * hidden prompt on the terminal. Without any of them: a usage error (exit 1).
   */
  async password(email: string): Promise<string> {
    if (this.#password !== null) return this.#password;
    const t = await this.target();
    let pw: string | undefined = this.g.password;
    if (pw === undefined && t.demo && !this.g.email) pw = t.demo.password;
    if (pw === undefined && !t.sim) pw = this.io.env.BRAGERONE_PASSWORD || undefined;
    if (pw === undefined) {
      if (!canPrompt(this.io)) {
        throw new UsageError(
          'no password given (use --password, set BRAGERONE_PASSWORD, or run on a terminal to be prompted)',
        );
      }
      const resume = this.out.suspendSpinner();
      try {
        pw = await promptHidden(this.io, `Password for ${email}: `);
      } finally {
        resume();
      }
      if (!pw) throw new UsageError('empty password');
    }
    if (!(t.demo && pw === t.demo.password)) this.out.secrets.add(pw);
    this.#password = pw;
    return pw;
  }

  /** Credentials for a (re-)login; exit 2 when no account is known at all. */
  async credentials(): Promise<Credentials> {
    const email = await this.email();
    if (!email) {
      throw new CliError(
        'not logged in: run `bragerone login --email ADDRESS`, or pass --email/--password (or BRAGERONE_EMAIL/BRAGERONE_PASSWORD)',
        EXIT.auth,
      );
    }
    return { email, password: await this.password(email) };
  }

  /** Token file of an account on the current server (`--token-file` wins). */
  async tokenPath(email: string | undefined): Promise<string | null> {
    if (this.g.tokenFile) return resolve(this.g.tokenFile);
    if (!email) return null;
    const t = await this.target();
    return defaultTokenPath(tokenKey(t.server, email));
  }

  /**
   * Token files in the default directory that belong to the current server (any account). `logout` uses them
   * when no account is known, so a token saved by an `--email` run is found without `--email`.
   */
  async tokenFilesOfServer(): Promise<string[]> {
    const t = await this.target();
    const dir = dirname(defaultTokenPath());
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const other = t.server.apiBase !== BRAGERONE_SERVER.apiBase;
    // `token-<email>+<host>.json` on other servers; the default server's files carry no `+<host>` suffix.
    const suffix = other ? safeTokenFileName(`x+${new URL(t.server.ioBase).host}`).slice('token-x'.length) : null;
    return names
      .filter((n) => n.startsWith('token-') && n.endsWith('.json'))
      .filter((n) => (suffix ? n.endsWith(suffix) : !/\+[^@]*\.json$/.test(n)))
      .sort()
      .map((n) => join(dir, n));
  }

  /** Token store of an account: a file (`--token-file` or the default path), in memory for an embedded simulator. */
  async tokenStore(email: string | undefined): Promise<TokenStore | null> {
    const t = await this.target();
    if (t.sim && !this.g.tokenFile) return new MemoryTokenStore();
    const path = await this.tokenPath(email);
    return path ? new FileTokenStore({ path }) : null;
  }

  /** Remembers the account of the current server for later commands (not for embedded simulators). */
  async rememberAccount(email: string): Promise<void> {
    const t = await this.target();
    if (t.sim) return;
    try {
      const doc = await readAccounts();
      doc.accounts[t.server.apiBase] = email;
      await writeAccounts(doc);
    } catch (e) {
      this.out.err(
        `warning: cannot remember the account in ${accountsFile()} (${(e as { code?: string }).code ?? 'error'}); pass --email next time`,
      );
    }
  }

  /** Forgets the account of the current server. */
  async forgetAccount(email: string | undefined): Promise<void> {
    const t = await this.target();
    if (t.sim) return;
    const doc = await readAccounts();
    const key = t.server.apiBase;
    if (doc.accounts[key] === undefined || (email && doc.accounts[key] !== email)) return;
    delete doc.accounts[key];
    await writeAccounts(doc).catch(() => {});
  }

  /**
   * A client for the current server and account; logs in lazily (stored token first, then credentials).
   * A password typed on the command line (`--password`) is always used: the first client of the run logs in
   * with it at once (a wrong one fails with exit 2) and its token replaces the stored one.
   */
  async client(extra: Partial<ClientOptions> = {}): Promise<BragerOneApiClient> {
    const t = await this.target();
    const email = await this.email();
    const verbose = this.g.verbose;
    const store = 'tokenStore' in extra ? (extra.tokenStore ?? null) : await this.tokenStore(email);
    const fresh = this.g.password !== undefined && !this.#freshLogin && !('tokenStore' in extra);
    const client = new BragerOneApiClient({
      server: t.server,
      credsProvider: () => this.credentials(),
      logger: this.out.logger(),
      logLevel: verbose ? 'debug' : 'warn',
      enableHttpTrace: verbose,
      ...extra,
      tokenStore: fresh ? null : store,
    });
    this.#clients.push(client);
    if (fresh) {
      const creds = await this.credentials();
      const token = await this.out.spin(
        'Logging in…',
        client.ensureAuth(creds.email, creds.password, { signal: this.signal }),
      );
      this.#freshLogin = true;
      if (store) {
        client.setTokenStore(store);
        await store.save(token);
      }
    }
    return client;
  }

  /** Secrets to scrub from any line: the password and the tokens of every client. */
  secrets(): string[] {
    const out = [...this.out.secrets];
    for (const c of this.#clients) {
      const tok: Token | null = c.token;
      if (tok?.accessToken) out.push(tok.accessToken);
      if (tok?.refreshToken) out.push(tok.refreshToken);
    }
    return out;
  }

  /** Closes every client, then runs the registered cleanups (simulators last). */
  async close(): Promise<void> {
    for (const s of this.secrets()) this.out.secrets.add(s);
    // An `--email` run that signed in (stored token or login) makes that account the default of this server,
    // so later commands and `logout` find its token without `--email`.
    if (this.g.email && !this.g.tokenFile && this.#clients.some((c) => c.token !== null)) {
      await this.rememberAccount(this.g.email.trim()).catch(() => {});
    }
    for (const c of this.#clients) await c.close().catch(() => {});
    for (const fn of this.#cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  }
}
