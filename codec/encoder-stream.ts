/**
 * The streaming encoder: a tree as a sequence of chunks (`encodeChunks`) or written into a Node
 * stream with backpressure (`encodeToStream`). In-memory opaque payloads and byte texts of at
 * least one chunk are passed through without copying, and an element's `opaqueSource` is written
 * as OPAQUE header + the source's own chunks, so a 50 MB attachment is never held in memory
 * twice (or at all, if the source streams it). Same bytes as `encode`.
 */
import {
  DONE,
  EncoderCore,
  FLUSH,
  LARGE_OPAQUE,
  LARGE_UTF8,
  type EncodeOptions,
} from './encoder-core.js';
import { EncodeError } from './errors.js';
import { compiledPages } from './tables.js';
import type { WbxmlElement } from './tree.js';
import { ByteWriter } from './writer.js';

export interface EncodeStreamOptions extends EncodeOptions {
  /** Target chunk size in bytes (default 64 KiB). Opaque payloads and byte texts this large are passed through as they are. */
  chunkSize?: number;
}

const DEFAULT_CHUNK_SIZE = 64 * 1024;

/**
 * Encode a tree as a sequence of chunks (an async generator), for writing a large response
 * without building it in memory. Elements may carry `opaqueSource`.
 */
export async function* encodeChunks(root: WbxmlElement, options?: EncodeStreamOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const chunkSize = Math.max(64, options?.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const writer = new ByteWriter(chunkSize + 1024);
  const core = new EncoderCore(root, compiledPages(options?.codePages), writer, chunkSize, true);
  for (;;) {
    const step = core.run(chunkSize);
    if (step === FLUSH) {
      yield writer.take(chunkSize + 1024);
      continue;
    }
    if (step === DONE) {
      if (writer.length > 0) yield writer.take(16);
      return;
    }
    // A payload follows the OPAQUE or STR_I header already in the writer.
    if (writer.length > 0) yield writer.take(chunkSize + 1024);
    const element = core.pending!;
    if (step === LARGE_OPAQUE) {
      yield element.opaque!;
    } else if (step === LARGE_UTF8) {
      yield element.utf8!;
    } else {
      const source = element.opaqueSource!;
      let written = 0;
      for await (const chunk of source.stream()) {
        if (!(chunk instanceof Uint8Array)) {
          throw new EncodeError('opaque-source-length', 'opaque source yielded something other than bytes', core.pathOf(element));
        }
        written += chunk.length;
        if (written > source.length) break;
        if (chunk.length > 0) yield chunk;
      }
      if (written !== source.length) {
        throw new EncodeError(
          'opaque-source-length',
          `opaque source announced ${source.length} bytes but yielded ${written > source.length ? 'more' : written}`,
          core.pathOf(element),
        );
      }
    }
    core.finishPending();
  }
}

/** The parts of a Node Writable (an http.ServerResponse, a file stream) `encodeToStream` uses. */
export interface ChunkSink {
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  once(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  destroy?(error?: Error): unknown;
  readonly destroyed?: boolean;
}

export interface EncodeToStreamOptions extends EncodeStreamOptions {
  /** Call `sink.end()` when done (default true). */
  end?: boolean;
}

/**
 * Encode a tree into a writable stream, honouring backpressure. On failure (a bad tree, an opaque
 * source that fails or lies about its length, a closed sink) the sink is destroyed, because half a
 * WBXML document is of no use to anyone, and the promise rejects.
 */
export async function encodeToStream(root: WbxmlElement, sink: ChunkSink, options?: EncodeToStreamOptions): Promise<void> {
  try {
    for await (const chunk of encodeChunks(root, options)) {
      if (sink.destroyed === true) throw new EncodeError('stream-closed', 'the output stream was closed', '');
      if (!sink.write(chunk)) await drained(sink);
    }
  } catch (error) {
    sink.destroy?.(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (options?.end !== false) sink.end();
}

function drained(sink: ChunkSink): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown): void => {
      sink.removeListener('drain', onDrain);
      sink.removeListener('close', onClose);
      sink.removeListener('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new EncodeError('stream-closed', 'the output stream was closed', ''));
    const onError = (error: unknown): void => done(error ?? new Error('stream error'));
    sink.once('drain', onDrain);
    sink.once('close', onClose);
    sink.once('error', onError);
  });
}
