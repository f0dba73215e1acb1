// Flat config: typescript-eslint's recommended rules plus the layering of
// docs/architecture.md as import restrictions, so an arrow pointing the wrong way
// fails `npm run lint` instead of waiting for review.
import tseslint from 'typescript-eslint';

/** A module path segment, whether imported relatively ("../gateway/x.js") or not. */
const segment = (name) => `(^|/)${name}(/|$)`;
const pkg = (name) => `^${name}(/|$)`;

/** no-restricted-imports for one layer: `regexes` are [regex, why] pairs. */
function layer(files, regexes) {
  return {
    name: `easgate/layer:${files.join(',')}`,
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: regexes.map(([regex, message]) => ({ regex, message })) }],
    },
  };
}

export default tseslint.config(
  {
    name: 'easgate/ignores',
    ignores: ['dist/**', 'node_modules/**', 'bench/**/build/**', 'coverage/**', 'test-fixtures/.cache/**', '**/*.tmp.ts'],
  },
  ...tseslint.configs.recommended,
  {
    name: 'easgate/defaults',
    rules: {
      // `_name` marks a deliberately unused binding (destructuring to drop a field).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  layer(['codec/**'], [
    [segment('gateway'), 'codec/ is a standalone library: it imports nothing from gateway/.'],
    [pkg('koa'), 'codec/ knows no HTTP framework.'],
    [pkg('pino'), 'codec/ does not log; it throws CodecError.'],
    [pkg('imapflow'), 'codec/ knows no backend.'],
    [pkg('nodemailer'), 'codec/ knows no backend.'],
  ]),
  layer(['gateway/commands/**'], [
    [segment('adapters'), 'Commands talk to ports, never to adapters (gateway/main.ts wires them).'],
    [segment('http'), 'Commands never see HTTP: the edge hands them a typed request.'],
    [pkg('koa'), 'Commands never see HTTP.'],
    [pkg('imapflow'), 'Commands talk to the MailStore port, not to IMAP.'],
    [pkg('nodemailer'), 'Commands talk to the MailSubmit port, not to SMTP.'],
    [pkg('better-sqlite3'), 'Commands talk to the StateStore port.'],
  ]),
  layer(['gateway/convert/**'], [
    [segment('adapters'), 'Converters are pure functions: no adapters.'],
    [segment('http'), 'Converters are pure functions: no HTTP.'],
    [segment('commands'), 'Converters are pure functions: commands call them, not the reverse.'],
    [pkg('koa'), 'Converters are pure functions.'],
    [pkg('imapflow'), 'Converters are pure functions.'],
    [pkg('nodemailer'), 'Converters are pure functions.'],
  ]),
  layer(['gateway/sync/**'], [
    [segment('adapters'), 'Sync machinery is protocol- and backend-neutral: use ports.'],
    [segment('http'), 'Sync machinery knows no HTTP.'],
    [pkg('koa'), 'Sync machinery knows no HTTP.'],
    [pkg('imapflow'), 'Sync machinery asks the MailStore port.'],
  ]),
  layer(['gateway/ports/**'], [
    [segment('adapters'), 'Ports are interfaces; adapters implement them, not the reverse.'],
    [segment('http'), 'Ports know no HTTP.'],
    [segment('commands'), 'Ports are the inner layer; commands depend on them.'],
    [pkg('koa'), 'Ports know no HTTP.'],
    [pkg('imapflow'), 'Ports are interfaces, not IMAP.'],
    [pkg('nodemailer'), 'Ports are interfaces, not SMTP.'],
  ]),
);
