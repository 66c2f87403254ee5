/** The in-memory token store (the client's default). */
import type { Token, TokenStore } from '../auth/token.js';

/** Token store that lives in memory only (the default). */
export class MemoryTokenStore implements TokenStore {
  #token: Token | null;
  /** @param initial a token to start with */
  constructor(initial: Token | null = null) {
    this.#token = initial ? { ...initial } : null;
  }
  /** A copy of the held token, or `null`. */
  load(): Token | null {
    return this.#token ? { ...this.#token } : null;
  }
  /** Holds a copy of `token`. */
  save(token: Token): void {
    this.#token = { ...token };
  }
  /** Forgets the token. */
  clear(): void {
    this.#token = null;
  }
}
