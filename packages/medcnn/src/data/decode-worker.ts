/** A decoding worker thread: decodes the files it is sent and posts their records back (pixels transferred). */
import { parentPort } from 'node:worker_threads';
import { decodeForTraining, type DecodedRecord, type Preprocessing } from './own-decode.js';

parentPort?.on('message', async (job: { id: number; files: string[]; prep: Preprocessing }) => {
  // Two files in flight: one in libvips (on libuv's threads) while this thread checks the other's structure.
  const records: DecodedRecord[] = new Array(job.files.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < job.files.length; i = next++) records[i] = await decodeForTraining(job.files[i], job.prep);
  };
  await Promise.all([lane(), lane()]);
  const transfer = records.flatMap((r) => (r.ok ? [r.pixels.buffer as ArrayBuffer] : []));
  parentPort!.postMessage({ id: job.id, records }, transfer);
});
