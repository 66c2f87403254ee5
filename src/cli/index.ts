/**
 * `bragerone` command-line entry (Node). Parses the command line with `node:util` parseArgs, runs one command,
 * and maps failures to exit codes with one line on stderr (stack traces only with `--verbose`). See docs/CLI.md.
 */

import { COMMANDS, type ParsedArgs, helpText, parseCommandLine } from './args.js';
import { command as commandCmd } from './commands/command.js';
import { set } from './commands/catalog.js';
import { check } from './commands/check.js';
import { demo } from './commands/demo.js';
import { login, logout, whoami } from './commands/auth.js';
import { modules, objects, params } from './commands/read.js';
import { relay } from './commands/relay.js';
import { simulator } from './commands/simulator.js';
import { watch } from './commands/watch.js';
import {
  EXIT,
  INTERRUPTED,
  OUTPUT_CLOSED,
  STOPPED,
  abortKind,
  abortReason,
  describeError,
  exitCodeOf,
} from './errors.js';
import { type CliIo, Output, processIo } from './io.js';
import { Session } from './session.js';
import { cliVersion } from './version.js';

export { EXIT } from './errors.js';
export type { CliIo } from './io.js';

/** Options of {@link main} beyond argv (tests and embedding). */
export interface MainOptions {
  io?: CliIo;
  /** Aborting ends long-running commands (watch, simulator, demo) like Ctrl-C. */
  signal?: AbortSignal;
  /**
   * Install SIGINT/SIGTERM/SIGHUP handlers that abort the run (SIGINT as Ctrl-C: exit 130; SIGTERM/SIGHUP stop
   * long-running commands cleanly). Default `true` when `io` is the real process.
   */
  handleSignals?: boolean;
}

/** Runs the CLI and resolves its exit code; never rejects. */
export async function main(argv: string[] = process.argv.slice(2), opts: MainOptions = {}): Promise<number> {
  const io = opts.io ?? processIo();
  let parsed: ParsedArgs;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    const json = argv.includes('--json');
    const out = new Output(io, { json });
    out.err(`${out.ce.red('bragerone:')} ${describeError(e)}`);
    return exitCodeOf(e);
  }
  const { command, global: g } = parsed;
  const out = new Output(io, { json: g.json });
  if (g.version) {
    out.print(g.json ? JSON.stringify({ version: cliVersion() }) : cliVersion());
    return EXIT.ok;
  }
  if (g.help || command === null || command === 'help') {
    const topic = command === 'help' ? parsed.args[0] : command;
    if (topic !== undefined && topic !== null && !Object.hasOwn(COMMANDS, topic)) {
      out.err(`bragerone: unknown command "${String(topic).slice(0, 40)}"`);
      return EXIT.usage;
    }
    out.print(helpText(topic as ParsedArgs['command']));
    return EXIT.ok;
  }

  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const handleSignals = opts.handleSignals ?? opts.io === undefined;
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    ctrl.abort(abortReason(sig === 'SIGINT' ? INTERRUPTED : STOPPED));
  };
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  }
  const session = new Session(g, out, io, ctrl.signal);
  try {
    return await run(session, parsed);
  } catch (e) {
    // A closed stdout (`| head -1`) ends the run quietly, as `ls` and `git` do.
    if (abortKind(ctrl.signal.reason) === OUTPUT_CLOSED) return EXIT.ok;
    const code = exitCodeOf(e);
    out.err(`${out.ce.red('bragerone:')} ${describeError(e, session.secrets())}`);
    if (g.verbose && e instanceof Error && e.stack) out.err(out.ce.dim(e.stack));
    return code;
  } finally {
    await session.close();
    opts.signal?.removeEventListener('abort', onAbort);
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    }
  }
}

async function run(s: Session, p: ParsedArgs): Promise<number> {
  const [arg0 = ''] = p.args;
  switch (p.command) {
    case 'login':
      return login(s);
    case 'logout':
      return logout(s);
    case 'whoami':
      return whoami(s);
    case 'objects':
      return objects(s);
    case 'modules':
      return modules(s, arg0);
    case 'params':
      return params(s, arg0, p.opts);
    case 'set':
      return set(s, arg0, p.args[1] ?? '', p.args[2], p.opts.lang);
    case 'watch':
      return watch(s, p.opts);
    case 'command':
      return commandCmd(s, arg0, p.opts);
    case 'simulator':
      return simulator(s, p.opts);
    case 'relay':
      return relay(s, p.opts);
    case 'check':
      return check(s, p.opts.lang);
    case 'demo':
      return demo(s, p.opts.lang);
    default:
      return EXIT.usage;
  }
}
