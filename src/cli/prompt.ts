/** Terminal prompts: a visible line (email) and a hidden one (password, never echoed). */

import { createInterface } from 'node:readline';
import { CliError, EXIT } from './errors.js';
import type { CliIo } from './io.js';

/** True when both stdin and stderr are terminals, so a prompt can be shown and answered. */
export function canPrompt(io: CliIo): boolean {
  return io.stdin.isTTY === true && io.stderr.isTTY === true && typeof io.stdin.setRawMode === 'function';
}

/** Asks a question on stderr and reads one visible line from stdin. */
export async function promptLine(io: CliIo, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('SIGINT', () => reject(new CliError('interrupted', EXIT.interrupted)));
      rl.once('close', () => reject(new CliError('no input', EXIT.usage)));
      rl.question(question, (answer) => resolve(answer.trim()));
    });
  } finally {
    rl.removeAllListeners('close');
    rl.close();
  }
}

/** Outcome of feeding keystrokes to a {@link HiddenLineEditor}. */
export type HiddenLineResult =
  | { done: false }
  | { done: true; kind: 'enter'; line: string }
  | { done: true; kind: 'interrupt' | 'eof' };

/**
 * The line editor behind the hidden prompt, fed with raw terminal input. Printable characters are kept,
 * Backspace deletes, Enter ends, Ctrl-C interrupts, Ctrl-D on an empty line ends the input. Escape
 * sequences (arrow and function keys: `ESC [ … final`, `ESC O x`, Alt+key: `ESC x`) and the bracketed-paste
 * markers `ESC [200~` / `ESC [201~` are dropped, also when split across chunks; pasted text itself is kept.
 */
export class HiddenLineEditor {
  #buf = '';
  #state: 'text' | 'esc' | 'csi' | 'ss3' = 'text';

  /** Feeds a chunk; returns `done: true` once the line ended (later input is ignored by the caller). */
  feed(chunk: string): HiddenLineResult {
    for (const ch of chunk) {
      const code = ch.codePointAt(0) ?? 0;
      if (this.#state === 'esc') {
        this.#state = ch === '[' ? 'csi' : ch === 'O' ? 'ss3' : 'text';
        continue;
      }
      if (this.#state === 'csi') {
        // Parameter and intermediate bytes (0x20–0x3F) continue the sequence; a final byte (0x40–0x7E) ends it.
        if (code >= 0x40 && code <= 0x7e) this.#state = 'text';
        else if (code < 0x20 || code > 0x7e) this.#state = 'text';
        continue;
      }
      if (this.#state === 'ss3') {
        this.#state = 'text';
        continue;
      }
      if (ch === '\x1b') {
        this.#state = 'esc';
        continue;
      }
      if (ch === '\r' || ch === '\n') return { done: true, kind: 'enter', line: this.#buf };
      if (ch === '\u0003') return { done: true, kind: 'interrupt' };
      if (ch === '\u0004' && this.#buf === '') return { done: true, kind: 'eof' };
      if (ch === '\u007f' || ch === '\b') this.#buf = [...this.#buf].slice(0, -1).join('');
      else if (code >= 0x20 && !(code >= 0x80 && code < 0xa0)) this.#buf += ch;
    }
    return { done: false };
  }
}

/**
 * Asks on stderr and reads a line from stdin in raw mode without echoing anything (see {@link HiddenLineEditor}
 * for the keys). Ctrl-C rejects (exit 130), Ctrl-D on an empty line rejects.
 */
export async function promptHidden(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin;
  if (!canPrompt(io)) throw new CliError('cannot prompt without a terminal', EXIT.usage);
  io.stderr.write(question);
  const wasRaw = (stdin as { isRaw?: boolean }).isRaw === true;
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  const editor = new HiddenLineEditor();
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: string | Buffer) => {
        const r = editor.feed(String(chunk));
        if (!r.done) return;
        stdin.off('data', onData);
        if (r.kind === 'enter') resolve(r.line);
        else if (r.kind === 'interrupt') reject(new CliError('interrupted', EXIT.interrupted));
        else reject(new CliError('no password entered', EXIT.usage));
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode?.(wasRaw);
    stdin.pause();
    io.stderr.write('\n');
  }
}
