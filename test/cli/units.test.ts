// Pure helpers of the CLI, tested in-process (the command tests drive the built bin).
import { describe, expect, it } from 'vitest';
import { formatDuration, parseCommandLine, parseDuration, parseValue } from '../../src/cli/args.js';
import {
  classifyModules,
  classifyObjects,
  classifyPermissions,
  classifyPrime,
  classifyUser,
  issuesOf,
} from '../../src/cli/check/rules.js';
import { buildCommand } from '../../src/cli/commands/command.js';
import { groupValues } from '../../src/cli/commands/read.js';
import { EXIT, describeError, exitCodeOf } from '../../src/cli/errors.js';
import { colorEnabled, formatTable, visibleWidth } from '../../src/cli/io.js';
import { ApiError, NetworkError, TimeoutError } from '../../src/errors.js';
import { ModuleCardSchema } from '../../src/schemas/index.js';

describe('argument parsing', () => {
  it('accepts global options before and after the command', () => {
    const a = parseCommandLine([
      '--json',
      'watch',
      '--module',
      'A',
      '--duration',
      '3s',
      '--module',
      'B',
      '--server',
      'http://h:1',
    ]);
    expect(a.command).toBe('watch');
    expect(a.global.json).toBe(true);
    expect(a.global.duration).toBe(3000);
    expect(a.global.server).toBe('http://h:1');
    expect(a.opts.module).toEqual(['A', 'B']);
  });

  it('rejects unknown commands, unknown options, misplaced command options and missing arguments', () => {
    expect(() => parseCommandLine(['frobnicate'])).toThrow(/unknown command/);
    expect(() => parseCommandLine(['objects', '--nope'])).toThrow(/unknown option --nope/);
    expect(() => parseCommandLine(['objects', '--raw', 'X'])).toThrow(/--raw is not valid for "objects"/);
    expect(() => parseCommandLine(['modules'])).toThrow(/needs <objectId>/);
    expect(() => parseCommandLine(['modules', '1', '2'])).toThrow(/too many arguments/);
    expect(() => parseCommandLine(['objects', '--server', 'http://x', '--simulator'])).toThrow(/cannot be combined/);
  });

  it('never echoes the value of a malformed --password', () => {
    let msg = '';
    try {
      parseCommandLine(['login', '--password', '-Secret-Value-1']);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/--password/);
    expect(msg).not.toContain('Secret-Value-1');
  });

  it('parses durations', () => {
    expect(parseDuration('3s')).toBe(3000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('4')).toBe(4000);
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
    expect([formatDuration(500), formatDuration(2000), formatDuration(1500), formatDuration(120_000)]).toEqual([
      '500 ms',
      '2 s',
      '1.5 s',
      '2 min',
    ]);
  });

  it('parses command values as JSON when possible', () => {
    expect(parseValue('55')).toBe(55);
    expect(parseValue('true')).toBe(true);
    expect(parseValue('"55"')).toBe('55');
    expect(parseValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseValue('ONLINE')).toBe('ONLINE');
  });

  it('validates command option combinations before anything is sent', () => {
    expect(buildCommand('D', { module: [], pool: '4', parameter: 'v8', value: '55' })).toEqual({
      kind: 'param',
      devid: 'D',
      pool: 'P4',
      parameter: 'v8',
      value: 55,
    });
    expect(buildCommand('D', { module: [], parameter: 'P4.v8', value: '"x"' })).toEqual({
      kind: 'param',
      devid: 'D',
      pool: 'P4',
      parameter: 'v8',
      value: 'x',
    });
    expect(buildCommand('D', { module: [], raw: 'MODULE_RESTART' })).toEqual({
      kind: 'raw',
      devid: 'D',
      command: 'MODULE_RESTART',
    });
    expect(() => buildCommand('D', { module: [], raw: 'X', pool: 'P4' })).toThrow(/not both/);
    expect(() => buildCommand('D', { module: [] })).toThrow(/needs --raw/);
    expect(() => buildCommand('D', { module: [], pool: 'P4', parameter: 'v8' })).toThrow(/needs --value/);
    expect(() => buildCommand('D', { module: [], pool: 'P4', parameter: '8', value: '1' })).toThrow(
      /channel and index/,
    );
    expect(() => buildCommand('D', { module: [], parameter: 'v8', value: '1' })).toThrow(/needs --pool/);
  });
});

describe('exit codes', () => {
  it('maps auth, network, upstream and other failures', () => {
    expect(exitCodeOf(new ApiError(401, { message: 'Invalid credentials' }))).toBe(EXIT.auth);
    expect(exitCodeOf(new ApiError(403, null))).toBe(EXIT.auth);
    expect(exitCodeOf(new NetworkError('x'))).toBe(EXIT.network);
    expect(exitCodeOf(new TimeoutError('x'))).toBe(EXIT.network);
    expect(exitCodeOf(new ApiError(503, '<html>'))).toBe(EXIT.network);
    expect(exitCodeOf(new ApiError(408, { status: 'E_DISPATCH_EVENT_TIMEOUT' }))).toBe(EXIT.network);
    expect(exitCodeOf(new ApiError(404, null))).toBe(EXIT.usage);
    expect(exitCodeOf(new Error('boom'))).toBe(EXIT.usage);
  });

  it('error lines are single-line and scrub secrets', () => {
    const line = describeError(new Error('failed with hunter2-secret\nat line 2'), ['hunter2-secret']);
    expect(line).not.toContain('hunter2-secret');
    expect(line).not.toContain('\n');
  });
});

describe('output', () => {
  it('aligns table columns, ignoring colour codes', () => {
    const lines = formatTable(
      [
        ['1', '\x1b[32mgreen\x1b[39m'],
        ['1234', 'x'],
      ],
      { head: ['ID', 'NAME'], align: ['right'] },
    );
    expect(lines).toEqual(['  ID  NAME', '   1  \x1b[32mgreen\x1b[39m', '1234  x']);
    expect(visibleWidth('\x1b[1mab\x1b[22m')).toBe(2);
  });

  it('colours only on a TTY, never with NO_COLOR or FORCE_COLOR=0', () => {
    expect(colorEnabled({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ write: () => true, isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });

  it('groups values into pools and families in numeric order', () => {
    const v = groupValues('D', { 'P10.v1': 1, 'P4.v12': 2, 'P4.u12': 3, 'P4.v2': 4, 'P5.s0': 5 });
    expect(Object.keys(v.pools)).toEqual(['P4', 'P5', 'P10']);
    expect(v.pools.P4).toEqual([
      { idx: 2, channels: { v: 4 } },
      { idx: 12, channels: { v: 2, u: 3 } },
    ]);
    expect(v.count).toBe(5);
  });
});

describe('check classifiers', () => {
  it('tells documented shapes from tolerated ones and drift', () => {
    const user = {
      id: 1,
      name: 'n',
      email: 'e',
      language: 'en',
      allow_email_type_informations: true,
      allow_email_type_alarms: true,
      allow_email_type_marketing: false,
      allow_email_type_warnings: true,
      activated_at: '2024-01-01T00:00:00Z',
      show_rate_us_modal: false,
    };
    expect(classifyUser({ user }).verdict).toBe('matched');
    expect(classifyUser(user).verdict).toBe('tolerated');
    expect(classifyUser({ user: { ...user, id: 'x' } }).verdict).toBe('drift');
    expect(classifyPermissions({ permissions: ['A'] }).verdict).toBe('matched');
    expect(classifyPermissions([{ name: 'A' }]).verdict).toBe('tolerated');
    expect(classifyPermissions({ permissions: [1] }).verdict).toBe('drift');
    const obj = { id: 1, name: 'x', addressCountry: 'PL' };
    expect(classifyObjects(200, { data: [obj] }).verdict).toBe('matched');
    expect(classifyObjects(200, [obj]).verdict).toBe('tolerated');
    expect(classifyObjects(201, { data: [obj] }).verdict).toBe('tolerated');
    expect(classifyObjects(200, { items: [obj] }).verdict).toBe('drift');
    expect(classifyPrime(200, { D: { P4: { v1: 1, xx: 2 } } }, ['D']).verdict).toBe('tolerated');
    expect(classifyPrime(200, { D: { P4: { v1: { value: 1 } } } }, ['D']).verdict).toBe('matched');
    expect(classifyPrime(200, [], ['D']).verdict).toBe('drift');
    expect(classifyModules({ rows: [] }).verdict).toBe('drift');
  });

  it('reports paths of problems but never the received values', () => {
    const text =
      issuesOf(ModuleCardSchema, {
        id: 1,
        moduleId: 2,
        clientFullName: 12345678,
        clientPhoneNumber: 'Very-Private-Phone',
      }) ?? '';
    expect(text).toMatch(/clientFullName/);
    expect(text).not.toContain('12345678');
    expect(text).not.toContain('Very-Private-Phone');
  });
});
