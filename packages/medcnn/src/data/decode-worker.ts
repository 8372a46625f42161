/** A decoding worker thread: decodes the files it is sent and posts their records back (pixels transferred). */
import { parentPort } from 'node:worker_threads';
import { decodeForTraining, type DecodedRecord, type Preprocessing } from './own-decode.js';

parentPort?.on('message', async (job: { id: number; files: string[]; prep: Preprocessing }) => {
  const records: DecodedRecord[] = [];
  for (const f of job.files) records.push(await decodeForTraining(f, job.prep));
  const transfer = records.flatMap((r) => (r.ok ? [r.pixels.buffer as ArrayBuffer] : []));
  parentPort!.postMessage({ id: job.id, records }, transfer);
});
