import { randomBytes } from 'node:crypto';
import type { AccountModel } from './data.js';

interface TokenRecord {
  account: AccountModel;
  expiresAt: number;
  revoked: boolean;
}

/** Opaque bearer tokens issued by the simulated login. */
export class TokenBook {
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #issued: string[] = [];
  #logins = 0;

  /** Creates a book issuing tokens valid for `ttl` ms on clock `now`. */
  readonly #now: () => number;

  readonly #ttl: number;

  constructor(ttl: number, now: () => number) {
    this.#now = now;

    this.#ttl = ttl;
  }

  /** Issues an access/refresh token pair for an account. */
  issue(account: AccountModel): { accessToken: string; refreshToken: string; expiresAt: number } {
    const accessToken = randomBytes(32).toString('base64url');
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = this.#now() + this.#ttl;
    this.#tokens.set(accessToken, { account, expiresAt, revoked: false });
    this.#issued.push(accessToken, refreshToken);
    this.#logins++;
    return { accessToken, refreshToken, expiresAt };
  }

  /** The account of a valid token, or `null` (unknown, expired or revoked). */
  verify(token: string | null | undefined): AccountModel | null {
    if (!token) return null;
    const rec = this.#tokens.get(token);
    if (!rec || rec.revoked || rec.expiresAt <= this.#now()) return null;
    return rec.account;
  }

  /** Revokes one token; returns whether it was valid. */
  revoke(token: string): boolean {
    const ok = this.verify(token) !== null;
    const rec = this.#tokens.get(token);
    if (rec) rec.revoked = true;
    return ok;
  }

  /** Expires every token issued so far. */
  expireAll(): void {
    const now = this.#now();
    for (const rec of this.#tokens.values()) rec.expiresAt = Math.min(rec.expiresAt, now - 1);
  }

  /** Revokes every token issued so far. */
  revokeAll(): void {
    for (const rec of this.#tokens.values()) rec.revoked = true;
  }

  /** Every access and refresh token ever issued. */
  all(): string[] {
    return [...this.#issued];
  }

  /** Successful logins. */
  loginCount(): number {
    return this.#logins;
  }
}
