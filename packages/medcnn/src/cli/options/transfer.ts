import { MedcnnError } from '../../errors.js';
import { checkChannelNormalization, type FreezePlan, type TrainableSpec } from '../../models/index.js';
import type { Flags } from '../args.js';

/** How a pretrained backbone is adapted: its input size, what is frozen, how fast the rest learns. */
export const freezeFlags = {
  'input-size': {
    kind: 'int',
    help: 'side the backbone is rebuilt for and images resized to (e.g. 96, 128, 224; default 96 for mobilenet_v2_0.35)',
    min: 32,
    max: 512,
  },
  freeze: {
    kind: 'string',
    help: 'all: train the head only, on cached backbone features (the default with --pretrained); none: fine-tune everything',
    choices: ['all', 'none'],
  },
  'finetune-blocks': { kind: 'int', help: 'also train the deepest N blocks of the backbone', min: 1 },
  'freeze-until': { kind: 'string', help: 'freeze the backbone up to and including this layer, train the rest' },
  'backbone-lr': { kind: 'float', help: 'learning rate of the trained backbone layers (default --lr / 10)' },
} as const;

/** The flags of `medcnn train` that turn it into transfer learning. */
export const transferFlags = {
  pretrained: {
    kind: 'string',
    help: 'train a new head on a pretrained backbone: a TF.js layers folder, model.json, http(s) URL or name (mobilenet_v2_0.35), or an ONNX file (FILE.onnx, e.g. from torch.onnx.export)',
  },
  mean: {
    kind: 'string',
    help: "an ONNX backbone's per-channel mean on the 0–1 scale (e.g. 0.485,0.456,0.406); else FILE.json",
  },
  std: {
    kind: 'string',
    help: "an ONNX backbone's per-channel std on the 0–1 scale (e.g. 0.229,0.224,0.225); else FILE.json",
  },
  ...freezeFlags,
} as const;

export type FreezeOptions = { inputSize?: number; freeze: FreezePlan; backboneLearningRate?: number };

/** Reads how a backbone is frozen and fine-tuned; contradictory flags are a MedcnnError. */
export function readFreeze(f: Flags<typeof freezeFlags>): FreezeOptions {
  const ways = (['freeze', 'finetune-blocks', 'freeze-until'] as const).filter((k) => f.given.has(k));
  if (ways.length > 1)
    throw new MedcnnError(
      `Choose one of --freeze, --finetune-blocks and --freeze-until, not ${ways.map((w) => `--${w}`).join(' and ')}.`,
      `--freeze、--finetune-blocks、--freeze-until はどれか1つだけ指定してください（指定: ${ways.map((w) => `--${w}`).join(' と ')}）。`,
    );
  let freeze: FreezePlan = { mode: 'all' };
  if (f['finetune-blocks'] !== undefined) freeze = { mode: 'blocks', blocks: f['finetune-blocks'] };
  else if (f['freeze-until'] !== undefined) freeze = { mode: 'until', layer: f['freeze-until'] };
  else if (f.freeze === 'none') freeze = { mode: 'none' };
  const lr = f['backbone-lr'];
  if (freeze.mode === 'all' && lr !== undefined)
    throw new MedcnnError(
      '--backbone-lr needs a trained backbone part: add --finetune-blocks N, --freeze-until LAYER or --freeze none.',
      '--backbone-lr は、バックボーンの一部を学習するときにだけ使えます。--finetune-blocks N、--freeze-until LAYER、--freeze none のいずれかを加えてください。',
    );
  if (lr !== undefined && !(lr > 0))
    throw new MedcnnError(
      `--backbone-lr must be greater than 0, got ${lr}.`,
      `--backbone-lr は 0 より大きくしてください（指定値: ${lr}）。`,
    );
  return { inputSize: f['input-size'], freeze, backboneLearningRate: lr };
}

/** What `medcnn train` builds: the --model architecture, or with --pretrained a backbone and a new head. */
export function readTrainable(f: Flags<typeof transferFlags> & { model: string }): TrainableSpec {
  if (f.pretrained === undefined) {
    const given = Object.keys(freezeFlags).filter((k) => f.given.has(k));
    if (given.length)
      throw new MedcnnError(
        `--${given[0]} only applies to transfer learning; add --pretrained (e.g. --pretrained mobilenet_v2_0.35).`,
        `--${given[0]} は転移学習でだけ使えます。--pretrained を加えてください（例: --pretrained mobilenet_v2_0.35）。`,
      );
    return { architecture: f.model };
  }
  const given = (['mean', 'std'] as const).filter((k) => f.given.has(k));
  if (given.length && !/\.onnx$/i.test(f.pretrained))
    throw new MedcnnError(
      `--${given[0]} sets an ONNX backbone's preprocessing; a TF.js backbone brings its own. Drop it, or pass --pretrained FILE.onnx.`,
      `--${given[0]} は ONNX バックボーンの前処理を指定します。TF.js のバックボーンは自分の前処理を持っています。外すか、--pretrained FILE.onnx を指定してください。`,
    );
  if (given.length === 1)
    throw new MedcnnError(
      `--${given[0]} needs --${given[0] === 'mean' ? 'std' : 'mean'} too.`,
      `--${given[0]} には --${given[0] === 'mean' ? 'std' : 'mean'} も必要です。`,
    );
  const numbers = (s: string) => s.split(',').map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  const preprocessing =
    f.mean !== undefined && f.std !== undefined
      ? checkChannelNormalization({ mean: numbers(f.mean), std: numbers(f.std) }, '--mean/--std')
      : undefined;
  return { pretrained: f.pretrained, ...readFreeze(f), ...(preprocessing ? { preprocessing } : {}) };
}
