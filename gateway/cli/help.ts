import { envNames } from '../config/load.js';

/**
 * All usage text lives here so it can be read (and kept accurate) in one place.
 * `easgate wbxml --help` is answered by the wbxml command itself.
 */

const COMMANDS: [string, string][] = [
  ['serve', 'run the gateway'],
  ['devices', 'list devices; block, unblock or remotely wipe one'],
  ['wbxml', 'decode or encode EAS WBXML (debugging tool)'],
  ['help', 'show this help, or a command\'s (easgate help COMMAND)'],
];

const CONFIG_OPTION = '  -c, --config FILE   JSON configuration file; EASGATE_* environment variables override it';

export const commandUsage: Record<string, string> = {
  serve: `Usage: easgate serve [--config FILE]

Runs the Exchange ActiveSync gateway until SIGINT or SIGTERM, then closes
connections and exits 0. Logs are JSON lines on stdout (pino); the first
"listening" line carries the URL.

Options:
${CONFIG_OPTION}
  -h, --help          show this help

Exit status: 0 after a clean shutdown, 1 if the gateway failed to start,
2 for an invalid configuration (the message names the key and its source).
`,
  devices: `Usage: easgate devices list [--user USER] [--json] [--config FILE]
       easgate devices block|unblock USER DEVICEID [--config FILE]
       easgate devices wipe|wipe-account USER DEVICEID --yes [--config FILE]
       easgate devices cancel-wipe USER DEVICEID [--config FILE]
       easgate devices forget USER DEVICEID --yes [--config FILE]

Operator tools on the state store (state.dataDir), safe to run next to a
running server.

  list          every device the gateway has seen (or one user's)
  block         refuse the device's requests from now on
  unblock       allow it again
  wipe          make the device erase itself (RemoteWipe) at its next
                connection; irreversible on the phone, hence --yes
  wipe-account  remove only this account from the device
                (AccountOnlyRemoteWipe, EAS 16.1 clients), also --yes
  cancel-wipe   withdraw a wipe the device has not acknowledged yet
  forget        delete the device's record, policy key and sync states
                (e.g. after an acknowledged wipe), also --yes

Options:
${CONFIG_OPTION}
  -u, --user USER     list only this user's devices
      --json          list as JSON (one array) instead of a table
  -y, --yes           confirm a wipe
  -h, --help          show this help

Exit status: 0 done, 1 unknown device or store error, 2 bad command line or configuration.
`,
  help: `Usage: easgate help [COMMAND]
`,
};

/** The env table is long: errors print the short form, --help the full one. */
export function mainUsage(full = true): string {
  const width = Math.max(...COMMANDS.map(([n]) => n.length)) + 2;
  const commands = COMMANDS.map(([n, s]) => `  ${n.padEnd(width)}${s}`).join('\n');
  return `Usage: easgate COMMAND [OPTIONS]

Exchange ActiveSync gateway in front of IMAP, SMTP and CalDAV/CardDAV servers.

Commands:
${commands}

Options:
  -h, --help      show help (easgate COMMAND --help for a command's)
  -v, --version   print the version
${full ? `
Configuration: a JSON file (--config FILE) and these environment variables,
which override the file (the key each one sets is on the right):
${envTable()}
` : ''}`;
}

function envTable(): string {
  const rows = [...envNames()].map(([name, path]) => [name, name === 'PORT' ? `${path.join('.')} (when EASGATE_SERVER_PORT is unset)` : path.join('.')] as const);
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  return rows.map(([n, key]) => `  ${n.padEnd(width)}${key}`).join('\n');
}

export function usageFor(command: string): string | undefined {
  return commandUsage[command];
}

/** The Usage lines alone, for an error message: the full text would bury the error. */
export function synopsisFor(command: string): string | undefined {
  const text = commandUsage[command];
  return text && `${text.slice(0, text.indexOf('\n\n'))}\nRun "easgate ${command} --help" for details.\n`;
}
