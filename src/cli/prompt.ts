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

/**
 * Asks on stderr and reads a line from stdin in raw mode without echoing anything. Backspace edits,
 * Ctrl-C rejects (exit 130), Ctrl-D on an empty line rejects.
 */
export async function promptHidden(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin;
  if (!canPrompt(io)) throw new CliError('cannot prompt without a terminal', EXIT.usage);
  io.stderr.write(question);
  const wasRaw = (stdin as { isRaw?: boolean }).isRaw === true;
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  let buf = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: string | Buffer) => {
        for (const ch of String(chunk)) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(buf);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new CliError('interrupted', EXIT.interrupted));
            return;
          }
          if (ch === '\u0004' && buf === '') {
            stdin.off('data', onData);
            reject(new CliError('no password entered', EXIT.usage));
            return;
          }
          if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
          else if (ch >= ' ') buf += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode?.(wasRaw);
    stdin.pause();
    io.stderr.write('\n');
  }
}
