/**
 * One started demo gateway for the reliability suites (chaos, outage, token expiry): its own client, owned by it and
 * logging into a capture logger, with the reconnect cadences scaled down to test size (supervisor 300 ms, reconnect
 * after 50 ms, connect timeout 2 s).
 */
import { expect } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import type { ClientOptions } from '../../src/client.js';
import type { LogLevel } from '../../src/log.js';
import type { ServerConfig } from '../../src/server.js';
import { DEMO_OBJECT_ID } from '../../src/simulator/index.js';
import { type CaptureLogger, captureLogger } from './logger.js';
import { DEMO } from './sim.js';

/** What {@link startScaledGateway} needs. */
export interface ScaledGatewayOptions {
  server: ServerConfig;
  modules: string[];
  /** The capture logger's level. */
  logLevel: LogLevel;
  /** `connectivityPollInterval` (0: no poll). */
  pollInterval: number;
  /** Receives the gateway's stop, for the suite's clean-up list. */
  onStop: (stop: () => Promise<void>) => void;
  /** More client options (a clock, a leeway). */
  client?: Partial<ClientOptions>;
  /** Called before `start()`, to subscribe to what the test records. */
  before?: (gw: BragerOneGateway) => void;
  /** How long the first prime may take (ms). */
  primeWithin?: number;
}

/** Starts the gateway and waits for its first prime. */
export async function startScaledGateway(
  opts: ScaledGatewayOptions,
): Promise<{ gw: BragerOneGateway; api: BragerOneApiClient; log: CaptureLogger }> {
  const log = captureLogger();
  const api = new BragerOneApiClient({
    server: opts.server,
    logger: log,
    logLevel: opts.logLevel,
    credsProvider: () => ({ ...DEMO }),
    ...opts.client,
  });
  const gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: DEMO_OBJECT_ID,
    modules: opts.modules,
    connectivityPollInterval: opts.pollInterval,
    realtime: { supervisorInterval: 300, reconnectDelay: 50, connectTimeout: 2_000 },
  });
  opts.onStop(() => gw.stop());
  opts.before?.(gw);
  await gw.start();
  expect(await gw.waitForPrime(opts.primeWithin ?? 2_000)).toBe(true);
  return { gw, api, log };
}
