import { io, type Socket } from 'socket.io-client';
import { DEMO_EMAIL, DEMO_PASSWORD, type Simulator } from '../../src/simulator/index.js';
import { until } from '../helpers/wait.js';

/** Parsed answer of a simulator request. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON (undefined when the body is empty or not JSON). */
  json: unknown;
}

/** Sends a request to the simulator with optional bearer token and JSON body. */
export async function call(
  sim: Simulator,
  method: string,
  path: string,
  opts: {
    token?: string | null;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  const res = await fetch(`${sim.url}${path}`, { method, headers, body, signal: opts.signal });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Logs in (demo account by default) and returns the access token. */
export async function login(sim: Simulator, email = DEMO_EMAIL, password = DEMO_PASSWORD): Promise<string> {
  const r = await call(sim, 'POST', '/v1/auth/user', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return (r.json as { accessToken: string }).accessToken;
}

/** Opens a `/ws` socket; resolves once joined, rejects with the connect error. */
export function connectSocket(
  sim: Simulator,
  auth: { header?: string; payload?: string },
  transports: ('websocket' | 'polling')[] = ['websocket'],
): Promise<Socket> {
  const socket = io(`${sim.url}/ws`, {
    path: '/socket.io',
    transports,
    reconnection: false,
    forceNew: true,
    timeout: 3000,
    extraHeaders: auth.header ? { Authorization: `Bearer ${auth.header}` } : {},
    auth: auth.payload ? { token: auth.payload } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Waits for an event whose payload passes `pred`; rejects after `ms`. */
export function waitFor<T = unknown>(
  socket: Socket,
  event: string,
  pred: (p: T) => boolean = () => true,
  ms = 2000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (p: T): void => {
      if (!pred(p)) return;
      clearTimeout(timer);
      socket.off(event, onEvent);
      resolve(p);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`timeout waiting for ${event}`));
    }, ms);
    socket.on(event, onEvent);
  });
}

/** Collects every event a socket receives. */
export function record(socket: Socket): Array<[string, unknown]> {
  const seen: Array<[string, unknown]> = [];
  socket.onAny((e: string, p: unknown) => seen.push([e, p]));
  return seen;
}

/** Sleeps (used only to prove that something does NOT happen within a window). */
export { sleep, until } from '../helpers/wait.js';

/** Joins, binds and listens: the full subscription of PROTOCOL §7.1 steps 2–5. */
export async function subscribe(sim: Simulator, token: string, modules: string[]): Promise<Socket> {
  const socket = await connectSocket(sim, { header: token });
  const r = await call(sim, 'POST', '/v1/modules/connect', { token, body: { wsid: socket.id, modules } });
  if (r.status !== 200) throw new Error(`bind failed: ${r.status}`);
  socket.emit('app:modules:parameters:listen', { modules, group_id: 1201 });
  socket.emit('app:modules:parameters:listen', { devids: modules, group_id: 1201 });
  await until(
    () => sim.sockets().some((s) => s.nsSid === socket.id && s.listening.length > 0),
    'the listen emits',
    2000,
  );
  return socket;
}
