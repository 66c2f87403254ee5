/** `login`, `logout`, `whoami`. */

import { isTokenExpired } from '../../auth/token.js';
import { MemoryTokenStore } from '../../stores/memory.js';
import { FileTokenStore } from '../../stores/file.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { formatTable } from '../io.js';
import { canPrompt, promptLine } from '../prompt.js';
import type { Session } from '../session.js';

/** Logs in with email + password (always a fresh login) and stores the token. */
export async function login(s: Session): Promise<number> {
  const { out } = s;
  const t = await s.target();
  let email = await s.email();
  if (!email) {
    if (!canPrompt(s.io)) throw new UsageError('no email: pass --email or set BRAGERONE_EMAIL');
    email = await promptLine(s.io, 'Email: ');
    if (!email) throw new UsageError('no email given');
  }
  const password = await s.password(email);
  // No store while logging in: a stored token must not stand in for checking the password.
  const client = await s.client({ tokenStore: null, credsProvider: undefined });
  const token = await out.spin('Logging in…', client.ensureAuth(email, password, { signal: s.signal }));
  const store = await s.tokenStore(email);
  if (!store) throw new CliError('no token store', EXIT.usage);
  await store.save(token);
  await s.rememberAccount(email);
  const path = t.sim && !s.g.tokenFile ? null : await s.tokenPath(email);
  if (out.json) {
    out.printJson({
      loggedIn: true,
      email,
      userId: token.userId,
      expiresAt: token.expiresAt,
      server: t.server.apiBase,
      tokenFile: path,
    });
    return EXIT.ok;
  }
  out.print(
    `${out.c.green('✓')} Logged in as ${out.c.bold(email)}${token.userId !== null ? ` (user ${token.userId})` : ''} on ${t.server.apiBase}`,
  );
  out.print(
    path
      ? `  token saved to ${path}${token.expiresAt ? `, expires ${token.expiresAt}` : ''}`
      : '  token kept in memory only (embedded simulator)',
  );
  return EXIT.ok;
}

/** Revokes the stored token on the server (best effort for an expired one) and deletes it. */
export async function logout(s: Session): Promise<number> {
  const { out } = s;
  const t = await s.target();
  const email = await s.email();
  let store = await s.tokenStore(email);
  let path = t.sim && !s.g.tokenFile ? null : await s.tokenPath(email);
  if (!email && !s.g.tokenFile && !t.sim) {
    // No account named or remembered: the token file the other commands would use is the only one of this server.
    const files = await s.tokenFilesOfServer();
    if (files.length > 1) {
      throw new UsageError(
        `several stored tokens for ${t.server.apiBase}: ${files.join(', ')}; pass --email to choose one`,
      );
    }
    if (files[0]) {
      path = files[0];
      store = new FileTokenStore({ path });
    }
  }
  const token = store ? await store.load() : null;
  if (!store || !token) {
    await s.forgetAccount(email);
    if (out.json) out.printJson({ loggedOut: false, reason: 'no stored token', tokenFile: path });
    else
      out.print(
        `Not logged in${email ? ` as ${email}` : ''}: no stored token${path ? ` (looked for ${path})` : ` for ${t.server.apiBase}`}.`,
      );
    return EXIT.ok;
  }
  let revoked = false;
  try {
    if (!isTokenExpired(token, 0)) {
      const client = await s.client({
        tokenStore: new MemoryTokenStore(token),
        validateOnStart: false,
        credsProvider: undefined,
      });
      await client.ensureAuth(undefined, undefined, { signal: s.signal });
      await out.spin('Revoking…', client.revoke({ signal: s.signal }));
      revoked = true;
    }
  } finally {
    // Whatever the server said, the local copy goes.
    await store.clear();
    await s.forgetAccount(email);
  }
  if (out.json) out.printJson({ loggedOut: true, revoked, tokenFile: path });
  else
    out.print(
      `${out.c.green('✓')} Logged out${email ? ` ${email}` : ''}: token ${revoked ? 'revoked and ' : '(already expired) '}removed${path ? `: deleted ${path}` : ''}.`,
    );
  return EXIT.ok;
}

/** Shows the signed-in user (`GET /user`). */
export async function whoami(s: Session): Promise<number> {
  const { out } = s;
  const t = await s.target();
  const client = await s.client();
  const user = await out.spin('Loading user…', client.getUser({ signal: s.signal }));
  const expiresAt = client.token?.expiresAt ?? null;
  if (out.json) {
    out.printJson({ user, server: t.server.apiBase, tokenExpiresAt: expiresAt });
    return EXIT.ok;
  }
  out.lines(
    formatTable(
      [
        ['Name', user.name],
        ['Email', user.email],
        ['User id', String(user.id)],
        ['Language', user.language],
        ['Server', t.server.apiBase],
        ['Token expires', expiresAt ?? 'not stated'],
      ].map(([k, v]) => [out.c.dim(k as string), v as string]),
    ),
  );
  return EXIT.ok;
}
