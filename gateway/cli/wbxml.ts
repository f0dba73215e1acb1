/**
 * `easgate wbxml decode|encode`: look at and make EAS WBXML by hand.
 *
 *   easgate wbxml decode request.wbxml            # WBXML file -> XML on stdout
 *   easgate wbxml decode - --base64 < body.b64    # base64 (e.g. copied from a log) -> XML
 *   easgate wbxml encode sync.xml > sync.wbxml    # XML -> WBXML bytes on stdout
 *
 * Exit status: 0 done, 1 the input is not valid (`error at offset N: reason: detail`), 2 usage.
 * Runs as a subcommand of the `easgate` dispatcher (`runWbxml(argv after "wbxml", io)`) or on its
 * own: `node --import tsx gateway/cli/wbxml.ts decode FILE`.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import {
  CodecError,
  decode,
  DEFAULT_DECODE_LIMITS,
  encode,
  fromXml,
  toXml,
  WbxmlError,
  type DecodeOptions,
} from '../../codec/index.js';

/** The streams the command uses; `CliIo` from ./types.ts fits. */
export interface WbxmlIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

export const WBXML_USAGE = `Usage: easgate wbxml decode [FILE|-] [--base64|--hex] [--redact] [--keep-unknown] [--compact]
       easgate wbxml encode [FILE|-] [--base64]

  decode   read EAS WBXML from FILE or stdin, print it as XML
  encode   read XML from FILE or stdin, write EAS WBXML to stdout

Options:
  --base64        decode: the input is base64 text; encode: print base64 instead of bytes
  --hex           decode: the input is hex text (whitespace ignored), as in a packet log
  --redact        decode: hide passwords, bodies and all opaque data (for sharing logs)
  --keep-unknown  decode: show unknown tokens as Unknown_0xNN instead of failing
  --compact       decode: print the XML on one line
  -h, --help      show this help

Exit status: 0 done, 1 invalid input (error at offset N: reason), 2 bad command line.
`;

interface Parsed {
  readonly mode: 'decode' | 'encode';
  readonly file: string;
  readonly flags: ReadonlySet<string>;
}

const FLAGS: Readonly<Record<Parsed['mode'], readonly string[]>> = {
  decode: ['--base64', '--hex', '--redact', '--keep-unknown', '--compact'],
  encode: ['--base64'],
};

/** Run `easgate wbxml ...` with `argv` being the arguments after "wbxml". */
export async function runWbxml(argv: string[], io: WbxmlIo): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h')) {
    await write(io.stdout, WBXML_USAGE);
    return EXIT_OK;
  }
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    await write(io.stderr, `easgate wbxml: ${parsed}\n\n${WBXML_USAGE}`);
    return EXIT_USAGE;
  }

  let input: Buffer;
  try {
    input = parsed.file === '-' ? await readAll(io.stdin, inputCap(parsed)) : await readFile(parsed.file);
  } catch (error) {
    await write(io.stderr, `easgate wbxml: cannot read ${parsed.file === '-' ? 'stdin' : parsed.file}: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  }

  try {
    if (parsed.mode === 'decode') {
      const bytes = parsed.flags.has('--base64') ? textToBytes(input, 'base64') : parsed.flags.has('--hex') ? textToBytes(input, 'hex') : input;
      const options: DecodeOptions = parsed.flags.has('--keep-unknown') ? { unknownTags: 'keep' } : {};
      const tree = decode(bytes, options);
      const xml = toXml(tree, { redact: parsed.flags.has('--redact'), indent: parsed.flags.has('--compact') ? '' : '  ' });
      await write(io.stdout, parsed.flags.has('--compact') ? `${xml}\n` : xml);
    } else {
      const bytes = encode(fromXml(input.toString('utf8')));
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await write(io.stdout, parsed.flags.has('--base64') ? `${buffer.toString('base64')}\n` : buffer);
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof WbxmlError) {
      await write(io.stderr, `error at offset ${error.offset}: ${error.reason}: ${error.detail}\n`);
      return EXIT_FAILURE;
    }
    if (error instanceof CodecError || error instanceof InputError) {
      await write(io.stderr, `error: ${error.reason}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}

function parseArgs(argv: readonly string[]): Parsed | string {
  const [mode, ...rest] = argv;
  if (mode === undefined) return 'missing subcommand (decode or encode)';
  if (mode !== 'decode' && mode !== 'encode') return `unknown subcommand "${mode}"`;
  const flags = new Set<string>();
  const files: string[] = [];
  for (const arg of rest) {
    if (arg.startsWith('--')) {
      if (!FLAGS[mode].includes(arg)) return `unknown option ${arg} for ${mode}`;
      flags.add(arg);
    } else {
      files.push(arg);
    }
  }
  if (files.length > 1) return `expected one input, got ${files.length}`;
  if (flags.has('--base64') && flags.has('--hex')) return '--base64 and --hex exclude each other';
  return { mode, file: files[0] ?? '-', flags };
}

class InputError extends Error {
  readonly reason = 'input';
}

/** The most stdin we read: a maximal document, in its text form if the input is text. */
function inputCap(parsed: Parsed): number {
  const max = DEFAULT_DECODE_LIMITS.maxInputBytes;
  return parsed.flags.has('--hex') ? max * 3 : parsed.flags.has('--base64') || parsed.mode === 'encode' ? max * 2 : max;
}

function textToBytes(input: Buffer, encoding: 'base64' | 'hex'): Buffer {
  const compact = input.toString('latin1').replace(/\s+/g, '');
  const valid = encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})*$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  if (!valid.test(compact) || (encoding === 'base64' && compact.length % 4 !== 0)) {
    throw new InputError(`the input is not valid ${encoding}`);
  }
  return Buffer.from(compact, encoding);
}

async function readAll(stream: NodeJS.ReadableStream, cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > cap) throw new Error(`input exceeds ${cap} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function write(stream: NodeJS.WritableStream, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

// Run directly: node --import tsx gateway/cli/wbxml.ts decode FILE
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runWbxml(process.argv.slice(2), process);
}
