import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodeForTraining, type DecodedRecord, type Preprocessing } from './own-decode.js';

/** Decoding threads: MEDCNN_DECODE_THREADS, else one per core (at most 8). */
export function decodeThreads(): number {
  const env = Number(process.env.MEDCNN_DECODE_THREADS);
  return Number.isInteger(env) && env > 0 ? env : Math.min(8, os.availableParallelism());
}

/**
 * Decodes files in parallel on worker threads (in this thread when there are few), in chunks, calling
 * `onProgress` with the number done; the records come back in the files' order.
 */
export async function decodeFiles(
  files: string[],
  prep: Preprocessing,
  onProgress: (done: number) => void = () => {},
): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = new Array(files.length);
  const threads = Math.min(decodeThreads(), Math.ceil(files.length / 16));
  if (threads <= 1) {
    const buffer = { bytes: Buffer.alloc(0) };
    for (let i = 0; i < files.length; i++) {
      out[i] = await decodeForTraining(files[i], prep, buffer);
      onProgress(i + 1);
    }
    return out;
  }
  const chunk = 8;
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./decode-worker.js', import.meta.url)));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= files.length) {
                resolve();
                return;
              }
              const start = next;
              next = Math.min(files.length, next + chunk);
              w.postMessage({ id: start, files: files.slice(start, next), prep });
            };
            w.on('message', (msg: { id: number; records: DecodedRecord[] }) => {
              msg.records.forEach((r, k) => {
                out[msg.id + k] = r;
              });
              done += msg.records.length;
              onProgress(done);
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (code !== 0) reject(new Error(`a decoding thread stopped with exit code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
