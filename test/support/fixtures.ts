/** Third-party fixtures in shared/, beside the repository checkout (here and in CI's clone). */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = process.env.EASGATE_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));

export interface CapturedRequest {
  readonly client: string;
  readonly seq: number;
  readonly method: string;
  /** Path and query exactly as on the request line. */
  readonly target: string;
  readonly headers: Record<string, string>;
  /** The request body as logged (hex dump line). */
  readonly body: Buffer;
}

/** Every request in captured_clients/<client>/log.txt: "===== #NNN METHOD target HTTP/1.1" then "name: value" lines. */
export function capturedRequests(): CapturedRequest[] {
  const root = join(FIXTURES_DIR, 'captured_clients');
  if (!existsSync(root)) return [];
  const out: CapturedRequest[] = [];
  for (const client of readdirSync(root).sort()) {
    const file = join(root, client, 'log.txt');
    if (!existsSync(file)) continue;
    let current: { seq: number; method: string; target: string; headers: Record<string, string>; body: Buffer } | undefined;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const start = /^===== #(\d+) (\S+) (\S+) HTTP\/1\.1$/.exec(line);
      if (start) {
        current = { seq: Number(start[1]), method: start[2]!, target: start[3]!, headers: {}, body: Buffer.alloc(0) };
        out.push(Object.assign(current, { client }));
        continue;
      }
      if (!current) continue;
      const body = /^-- body (\d+) bytes: ?(.*)$/.exec(line);
      if (body) {
        current.body = Buffer.from(body[2]!.replace(/\s+/g, ''), 'hex');
        if (current.body.length !== Number(body[1])) throw new Error(`${file} #${current.seq}: body length mismatch`);
        current = undefined;
        continue;
      }
      const header = /^([A-Za-z0-9-]+): (.*)$/.exec(line);
      if (header) current.headers[header[1]!.toLowerCase()] = header[2]!;
    }
  }
  return out;
}
