/** `bragerone` command-line entry (Node). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const usage = [
    'Usage: bragerone <command> [options]',
    '',
    'Commands: login, logout, whoami, objects, modules <objectId>, params <devid>, watch, command <devid>,',
    '          simulator, check, demo',
    'Options:  --platform bragerone|tisconnect  --server URL  --simulator  --json  --email  --password  --verbose',
  ].join('\n');
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  process.stderr.write(`${usage}\n`);
  return 1;
}
