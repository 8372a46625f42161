import fs from 'node:fs';
import path from 'node:path';
import { MedcnnError } from '../errors.js';
import type { Localized } from '../i18n/messages.js';
import { ensureDir } from '../util/dirs.js';

/** What a staged folder will become, so that refusals can say what was found and what to do. */
export interface StagedFolderOptions {
  /** Replace an existing folder of this kind (never any other folder). */
  overwrite: boolean;
  /** Whether an existing, non-empty folder holds what this kind writes (a run, a comparison). */
  isOurs: (dir: string) => boolean;
  /** What the folder holds, for messages: { en: 'a medcnn run', ja: 'medcnn の実行結果' }. */
  kind: Localized;
  /** The flag that chose the folder, used in messages. */
  flag: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A folder assembled aside and renamed into place at the end, so that a reader never sees half of it and a
 * failure leaves nothing behind. While it is being written, a lock beside it (`.NAME.lock`, holding the
 * writer's pid) keeps a second writer out; an existing folder is replaced only when it is of the same kind
 * and `overwrite` is set.
 */
export class StagedFolder {
  private done = false;

  private constructor(
    /** Where the folder will be once committed. */
    readonly target: string,
    /** Where it is being assembled: write everything here. */
    readonly dir: string,
    private readonly lock: string,
  ) {}

  /** Checks the target, takes the lock and makes the staging folder; a MedcnnError says why it cannot. */
  static create(target: string, opts: StagedFolderOptions): StagedFolder {
    const abs = path.resolve(target);
    const parent = ensureDir(path.dirname(abs), opts.flag);
    const base = path.basename(abs);
    if (base === '' || abs === path.parse(abs).root)
      throw new MedcnnError(
        `${target} cannot be ${opts.kind.en} folder; choose a new folder with ${opts.flag}.`,
        `${target} は${opts.kind.ja}のフォルダにできません。${opts.flag} で新しいフォルダを指定してください。`,
      );
    checkTarget(abs, target, opts);
    const lock = path.join(parent, `.${base}.lock`);
    try {
      takeLock(lock, target, opts.flag);
    } catch (e) {
      if (e instanceof MedcnnError) throw e;
      throw new MedcnnError(
        `Cannot write to ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Choose a writable folder with ${opts.flag}.`,
        `${target} に書き込めません: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}。${opts.flag} で書き込めるフォルダを指定してください。`,
      );
    }
    try {
      removeStalePartials(parent, base);
      const dir = path.join(parent, `.${base}.partial-${process.pid}`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      checkTarget(abs, target, opts); // again under the lock: another writer may have finished meanwhile
      return new StagedFolder(abs, dir, lock);
    } catch (e) {
      fs.rmSync(lock, { force: true });
      if (e instanceof MedcnnError) throw e;
      throw new MedcnnError(
        `Cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Choose a writable folder with ${opts.flag}.`,
        `${target} を書き込めません: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}。${opts.flag} で書き込めるフォルダを指定してください。`,
      );
    }
  }

  /** Moves the assembled folder into place (replacing the old one of the same kind) and releases the lock. */
  commit(): string {
    if (this.done) throw new Error('staged folder already committed or aborted');
    const old = `${path.join(path.dirname(this.target), `.${path.basename(this.target)}`)}.old-${process.pid}`;
    const replacing = fs.existsSync(this.target);
    try {
      if (replacing) fs.renameSync(this.target, old);
      fs.renameSync(this.dir, this.target);
    } catch (e) {
      if (replacing && fs.existsSync(old) && !fs.existsSync(this.target)) fs.renameSync(old, this.target);
      throw new MedcnnError(
        `Cannot move the finished folder into ${this.target}: ${(e as NodeJS.ErrnoException).code}. It is kept at ${this.dir}.`,
        `完成したフォルダを ${this.target} に移動できません: ${(e as NodeJS.ErrnoException).code}。フォルダは ${this.dir} に残してあります。`,
      );
    } finally {
      this.done = true;
      fs.rmSync(this.lock, { force: true });
    }
    if (replacing) fs.rmSync(old, { recursive: true, force: true });
    return this.target;
  }

  /** Removes what was assembled and releases the lock; the target is left as it was. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.rmSync(this.lock, { force: true });
  }
}

function checkTarget(abs: string, target: string, opts: StagedFolderOptions): void {
  if (!fs.existsSync(abs)) return;
  if (!fs.statSync(abs).isDirectory())
    throw new MedcnnError(
      `${target} is a file; choose a new folder with ${opts.flag}.`,
      `${target} はファイルです。${opts.flag} で新しいフォルダを指定してください。`,
    );
  if (fs.readdirSync(abs).length === 0) return;
  if (!opts.isOurs(abs))
    throw new MedcnnError(
      `${target} exists and is not ${opts.kind.en} folder; medcnn never writes into it. Choose a new folder with ${opts.flag}.`,
      `${target} は既にあり、${opts.kind.ja}のフォルダではありません。medcnn はこのフォルダには書き込みません。${opts.flag} で新しいフォルダを指定してください。`,
    );
  if (!opts.overwrite)
    throw new MedcnnError(
      `${target} already holds ${opts.kind.en}; pass --overwrite to replace it, or choose a new folder with ${opts.flag}.`,
      `${target} には既に${opts.kind.ja}があります。置き換えるには --overwrite を付けるか、${opts.flag} で新しいフォルダを指定してください。`,
    );
}

function takeLock(lock: string, target: string, flag: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new MedcnnError(
          `${target} is being written by another medcnn (pid ${pid}); wait for it to finish, or choose another folder with ${flag}.`,
          `${target} は別の medcnn（pid ${pid}）が書き込み中です。終わるのを待つか、${flag} で別のフォルダを指定してください。`,
        );
      fs.rmSync(lock, { force: true }); // left by a process that no longer exists
    }
  }
  throw new MedcnnError(
    `Cannot lock ${target}; another medcnn is starting on it. Try again, or choose another ${flag}.`,
    `${target} をロックできません。別の medcnn がこのフォルダで始まろうとしています。もう一度試すか、${flag} で別のフォルダを指定してください。`,
  );
}

/** Staging folders of writers that died (killed, power cut) are removed by the next writer of the same name. */
function removeStalePartials(parent: string, base: string): void {
  const prefix = `.${base}.partial-`;
  for (const f of fs.readdirSync(parent)) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length));
    if (Number.isInteger(pid) && !alive(pid)) fs.rmSync(path.join(parent, f), { recursive: true, force: true });
  }
}
