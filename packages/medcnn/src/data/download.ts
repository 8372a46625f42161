import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { MedcnnError } from '../errors.js';
import type { Lang } from '../i18n/messages.js';
import { ProgressBar } from '../util/progress.js';
import type { DatasetInfo, ImageSize } from './dataset-info.js';
import { datasetPath } from './root.js';

export interface DownloadOptions {
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
  /** Give up when no byte arrives for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** The language of the note printed when a signal stops the download (default English). */
  lang?: Lang;
}

/** Why a transfer failed, in both languages: part of the MedcnnError that reports the failed download. */
class TransferError extends Error {
  constructor(
    message: string,
    readonly ja: string,
  ) {
    super(message);
  }
}

/**
 * Downloads url to dest, checking the MD5. The bytes go to a temporary file that is renamed only when
 * complete and correct; on any failure (or Ctrl-C) nothing is left behind.
 */
export async function downloadFile(url: string, dest: string, md5: string, opts: DownloadOptions = {}): Promise<void> {
  const dir = path.dirname(dest);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MedcnnError(
      `Cannot create the data folder ${dir}: ${(e as Error).message}. Choose another with --root or MEDMNIST_ROOT.`,
      `データフォルダ ${dir} を作成できません: ${(e as Error).message}。--root または MEDMNIST_ROOT で別のフォルダを指定してください。`,
    );
  }
  const tmp = path.join(dir, `.${path.basename(dest)}.download-${process.pid}`);
  const cleanup = (): void => fs.rmSync(tmp, { force: true });
  // Ctrl-C, or a container's stop: the partial file goes, and the exit code says which signal ended it.
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    process.stderr.write(
      opts.lang === 'ja'
        ? `\nmedcnn: ${path.basename(dest)} のダウンロードを中断しました（${signal}）。何も保存していません。\n`
        : `\nmedcnn: download of ${path.basename(dest)} interrupted (${signal}); nothing was saved.\n`,
    );
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const byHand = `Download it yourself from ${url} and save it as ${dest}.`;
  const byHandJa = `${url} から手動でダウンロードし、${dest} として保存してください。`;
  try {
    const hash = crypto.createHash('md5');
    await fetchTo(url, tmp, hash, opts, 0);
    const got = hash.digest('hex');
    if (got !== md5) {
      throw new MedcnnError(
        `Downloaded ${path.basename(dest)} has MD5 ${got}, expected ${md5}: the file is damaged or changed. Nothing was saved. ${byHand}`,
        `ダウンロードした ${path.basename(dest)} の MD5 は ${got} で、期待値 ${md5} と一致しません。ファイルが壊れているか、変更されています。何も保存していません。${byHandJa}`,
      );
    }
    fs.renameSync(tmp, dest);
  } catch (e) {
    cleanup();
    if (e instanceof MedcnnError) throw e;
    const why = (e as Error).message;
    const whyJa = e instanceof TransferError ? e.ja : why;
    throw new MedcnnError(
      `Download of ${url} failed: ${why}. Nothing was saved. ${byHand}`,
      `${url} のダウンロードに失敗しました: ${whyJa}。何も保存していません。${byHandJa}`,
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function fetchTo(
  url: string,
  file: string,
  hash: crypto.Hash,
  opts: DownloadOptions,
  redirects: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : url.startsWith('http:') ? http : null;
    if (!client)
      return reject(
        new MedcnnError(
          `Unsupported URL '${url}': only http and https are supported.`,
          `URL '${url}' には対応していません。使えるのは http と https だけです。`,
        ),
      );
    const req = client.get(url, { headers: { 'user-agent': 'medcnn' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= 10) return reject(new TransferError('too many redirects', 'リダイレクトが多すぎます'));
        return resolve(fetchTo(new URL(res.headers.location, url).toString(), file, hash, opts, redirects + 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(
          new TransferError(`the server answered HTTP ${status}`, `サーバーの応答が HTTP ${status} でした`),
        );
      }
      const total = Number(res.headers['content-length'] ?? 0);
      const bar =
        opts.progress === false ? null : new ProgressBar(total, `download ${path.basename(url.split('?')[0])}`);
      const out = fs.createWriteStream(file);
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        hash.update(chunk);
        bar?.update(received, `${(received / 1e6).toFixed(1)} MB`);
      });
      const cutShort = (): TransferError =>
        new TransferError(
          `the connection ended after ${received} of ${total} bytes`,
          `${total} バイトのうち ${received} バイトを受け取ったところで接続が終わりました`,
        );
      res.on('aborted', () =>
        out.destroy(
          new TransferError(
            'the connection was closed before the file was complete',
            'ファイルを最後まで受け取る前に接続が切れました',
          ),
        ),
      );
      res.on('error', (e) => out.destroy(e));
      res.on('end', () => {
        if (total > 0 && received !== total) out.destroy(cutShort());
      });
      out.on('error', reject);
      out.on('finish', () => {
        bar?.finish(`${(received / 1e6).toFixed(1)} MB`);
        if (total > 0 && received !== total) reject(cutShort());
        else resolve();
      });
      res.pipe(out);
    });
    req.setTimeout(opts.idleTimeoutMs ?? 60000, () =>
      req.destroy(new TransferError('no data for too long (timeout)', 'データが長い間届きません（タイムアウト）')),
    );
    req.on('error', reject);
  });
}

/** The MD5 of a file, read in chunks (data sets at 224×224 are gigabytes). */
export async function fileMd5(file: string): Promise<string> {
  const hash = crypto.createHash('md5');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Downloads a dataset's npz into the data root unless it is already there with the MD5 the registry lists
 * (a corrupt file there is an error that says how to replace it). `force` downloads it again in any case.
 * Returns its path.
 */
export async function ensureDataset(
  info: DatasetInfo,
  size: ImageSize,
  root: string,
  opts: DownloadOptions & { force?: boolean } = {},
): Promise<string> {
  const dest = datasetPath(info, size, root);
  const file = info.files[size];
  if (!opts.force && fs.existsSync(dest)) {
    let md5: string;
    try {
      md5 = await fileMd5(dest);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new MedcnnError(`Cannot read ${dest}: ${why}.`, `${dest} を読み込めません: ${why}。`);
    }
    if (md5 === file.md5) return dest;
    throw new MedcnnError(
      `${dest} is there but corrupt: its MD5 is ${md5}, expected ${file.md5} (an interrupted copy, or a changed file). Download it again with \`medcnn download ${info.flag} --size ${size} --force\`, or remove it.`,
      `${dest} はありますが壊れています: MD5 が ${md5} で、期待値 ${file.md5} と一致しません（コピーが途中で中断されたか、ファイルが変更されています）。\`medcnn download ${info.flag} --size ${size} --force\` でダウンロードし直すか、このファイルを削除してください。`,
    );
  }
  const base = process.env.MEDCNN_DOWNLOAD_BASE;
  const url = base ? `${base.replace(/\/$/, '')}/${file.fileName}` : file.url;
  await downloadFile(url, dest, file.md5, opts);
  return dest;
}
