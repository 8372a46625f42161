import { MedcnnError } from '../errors.js';
import { serveRun } from '../serve/server.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { langFlag, readLang, rootFlag } from './options/common.js';

const flags = {
  port: { kind: 'int', help: 'port to listen on (0 picks a free one)', min: 0, max: 65535, default: 8080 },
  host: {
    kind: 'string',
    help: 'address to listen on; other than 127.0.0.1 lets other machines open the page',
    default: '127.0.0.1',
  },
  ...rootFlag,
  ...langFlag,
} as const;

export const serveCommand: Command = {
  name: 'serve',
  synopsis: 'RUN_DIR [--port N] [--host ADDR]',
  summary: "open a run's model in the browser: classify with Grad-CAM, and the CNN anatomy explorer (on-device)",
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs('serve', argv, flags);
    if (positionals.length !== 1)
      throw new MedcnnError(
        'usage: medcnn serve RUN_DIR [--port N] [--host ADDR]',
        '使い方: medcnn serve RUN_DIR [--port N] [--host ADDR]',
      );
    const lang = readLang(f);
    const host = f.host;
    const { server, urls } = await serveRun(positionals[0], {
      host,
      port: f.port,
      root: f.root,
    });
    const [page, ...others] = urls.map((u) => (lang === 'ja' ? `${u}?lang=ja` : u));
    console.log(
      lang === 'ja'
        ? `${page} で公開中（Ctrl-C で終了）。画像はブラウザの中だけで処理され、送信されません。`
        : `serving on ${page} (Ctrl-C to stop). Images are classified inside the browser and never sent anywhere.`,
    );
    if (others.length > 0)
      console.log(
        lang === 'ja' ? `  他のマシンからは: ${others.join('  ')}` : `  from other machines: ${others.join('  ')}`,
      );
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      console.log(
        lang === 'ja'
          ? `注意: ${host} で待ち受けるため、他のマシンからもこのページを開けます。`
          : `note: listening on ${host}, so other machines can open this page.`,
      );
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
