import type { FlagSpec } from '../cli/args.js';
import { MedcnnError } from '../errors.js';
import type { FreezePlan } from './model.js';
import type { TransferOptions } from './setup.js';

/** The flags of `medcnn train` that turn it into transfer learning. */
export const transferFlags = {
  pretrained: {
    kind: 'string',
    help: 'train a new head on a pretrained TF.js layers backbone: a folder, model.json, http(s) URL or name (mobilenet_v2_0.35)',
  },
  'input-size': {
    kind: 'int',
    help: 'side the backbone is rebuilt for and images resized to (e.g. 96, 128, 224; default 96 for mobilenet_v2_0.35)',
    min: 32,
  },
  freeze: {
    kind: 'string',
    help: 'all: train the head only, on cached backbone features (the default with --pretrained); none: fine-tune everything',
    choices: ['all', 'none'],
  },
  'finetune-blocks': { kind: 'int', help: 'also train the deepest N blocks of the backbone', min: 1 },
  'freeze-until': { kind: 'string', help: 'freeze the backbone up to and including this layer, train the rest' },
  'backbone-lr': { kind: 'float', help: 'learning rate of the trained backbone layers (default --lr / 10)' },
} satisfies Record<string, FlagSpec>;

/** Reads the transfer flags: undefined without --pretrained; a MedcnnError for contradictory ones. */
export function transferOptionsFromFlags(
  f: Record<string, string | number | boolean | undefined>,
): TransferOptions | undefined {
  const given = ['input-size', 'freeze', 'finetune-blocks', 'freeze-until', 'backbone-lr'].filter(
    (k) => f[k] !== undefined,
  );
  if (f.pretrained === undefined) {
    if (given.length)
      throw new MedcnnError(
        `--${given[0]} only applies to transfer learning; add --pretrained (e.g. --pretrained mobilenet_v2_0.35).`,
      );
    return undefined;
  }
  const ways = ['freeze', 'finetune-blocks', 'freeze-until'].filter((k) => f[k] !== undefined);
  if (ways.length > 1)
    throw new MedcnnError(
      `Choose one of --freeze, --finetune-blocks and --freeze-until, not ${ways.map((w) => `--${w}`).join(' and ')}.`,
    );
  let freeze: FreezePlan = { mode: 'all' };
  if (f['finetune-blocks'] !== undefined) freeze = { mode: 'blocks', blocks: f['finetune-blocks'] as number };
  else if (f['freeze-until'] !== undefined) freeze = { mode: 'until', layer: f['freeze-until'] as string };
  else if (f.freeze === 'none') freeze = { mode: 'none' };
  if (freeze.mode === 'all' && f['backbone-lr'] !== undefined)
    throw new MedcnnError(
      '--backbone-lr needs a trained backbone part: add --finetune-blocks N, --freeze-until LAYER or --freeze none.',
    );
  const lr = f['backbone-lr'] as number | undefined;
  if (lr !== undefined && !(lr > 0)) throw new MedcnnError(`--backbone-lr must be greater than 0, got ${lr}.`);
  return {
    pretrained: f.pretrained as string,
    inputSize: f['input-size'] as number | undefined,
    freeze,
    backboneLearningRate: lr,
  };
}
