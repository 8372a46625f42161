/** A decoding worker thread: decodes the files it is sent and posts their records back (pixels transferred). */
import { parentPort } from 'node:worker_threads';
import { type DecodedRecord, decodeForTraining, type Preprocessing, type ReadBuffer } from './own-decode.js';

// Each lane's read buffer, kept from job to job.
const buffers: ReadBuffer[] = [{ bytes: Buffer.alloc(0) }, { bytes: Buffer.alloc(0) }];

parentPort?.on('message', async (job: { id: number; files: string[]; prep: Preprocessing }) => {
  // Two files in flight: one in libvips (on libuv's threads) while this thread checks the other's structure.
  const records: DecodedRecord[] = new Array(job.files.length);
  let next = 0;
  const lane = async (buffer: ReadBuffer): Promise<void> => {
    for (let i = next++; i < job.files.length; i = next++)
      records[i] = await decodeForTraining(job.files[i], job.prep, buffer);
  };
  await Promise.all(buffers.map(lane));
  const transfer = records.flatMap((r) => (r.ok ? [r.pixels.buffer as ArrayBuffer] : []));
  parentPort!.postMessage({ id: job.id, records }, transfer);
});
