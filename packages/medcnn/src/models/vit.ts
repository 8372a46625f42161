import * as tfl from '@tensorflow/tfjs-layers';
import { checkModelInput } from './common.js';
import { type ModelOptions, registerModel } from './registry.js';
import { ClassTokenPositionEmbedding, MultiHeadSelfAttention } from './transformer-layers.js';

type SymbolicTensor = tfl.SymbolicTensor;

/** A Vision Transformer's size: patch side at a given image side, token width, blocks, heads and MLP width. */
interface VitConfig {
  patch: (side: number) => number;
  dim: number;
  depth: number;
  heads: number;
  mlp: number;
}

/** Inputs under this side use 4-pixel patches, as ResNet switches to its small stem: 28 px gives 7×7 tokens. */
export const VIT_SMALL_PATCH_BELOW = 64;

/**
 * A Vision Transformer as torchvision defines it (Dosovitskiy et al. 2021): the image cut into patches by one
 * strided convolution, a class token and position embedding, pre-LayerNorm encoder blocks (LayerNorm →
 * self-attention → add; LayerNorm → MLP with GELU → add), a last LayerNorm, and one linear layer on the class
 * token. Patches are taken whole from the top-left; a side that is not a multiple of the patch leaves its last
 * rows and columns unseen (torchvision refuses such a side).
 */
export function vit(name: string, cfg: VitConfig, opts: ModelOptions): tfl.LayersModel {
  const side = checkModelInput(name, opts);
  const patch = cfg.patch(side);
  const grid = Math.floor(side / patch);
  const input = tfl.input({ shape: opts.inputShape, name: 'input' });
  let x = tfl.layers
    .conv2d({
      filters: cfg.dim,
      kernelSize: patch,
      strides: patch,
      padding: 'valid',
      name: 'conv_proj',
      // torchvision: truncated normal with variance 1/fan_in (uniform here with that variance), bias zero.
      kernelInitializer: tfl.initializers.varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform' }),
    })
    .apply(input) as SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: [grid * grid, cfg.dim], name: 'patches' }).apply(x) as SymbolicTensor;
  x = new ClassTokenPositionEmbedding({ name: 'embedding' }).apply(x) as SymbolicTensor;
  const linear = (y: SymbolicTensor, units: number, lname: string, activation?: 'gelu'): SymbolicTensor =>
    tfl.layers
      .dense({ units, activation, name: lname, kernelInitializer: tfl.initializers.glorotUniform({}) })
      .apply(y) as SymbolicTensor;
  const layerNorm = (y: SymbolicTensor, lname: string): SymbolicTensor =>
    tfl.layers.layerNormalization({ epsilon: 1e-6, name: lname }).apply(y) as SymbolicTensor;
  for (let i = 0; i < cfg.depth; i++) {
    const b = `encoder_layer_${i}`;
    let y = layerNorm(x, `${b}_ln_1`);
    y = new MultiHeadSelfAttention({ numHeads: cfg.heads, name: `${b}_self_attention` }).apply(y) as SymbolicTensor;
    x = tfl.layers.add({ name: `${b}_add_1` }).apply([x, y]) as SymbolicTensor;
    y = layerNorm(x, `${b}_ln_2`);
    y = linear(y, cfg.mlp, `${b}_mlp_1`, 'gelu');
    y = linear(y, cfg.dim, `${b}_mlp_2`);
    x = tfl.layers.add({ name: `${b}_add_2` }).apply([x, y]) as SymbolicTensor;
  }
  x = layerNorm(x, 'encoder_ln');
  // The class token is the first token: the patches are cropped away (tfjs-layers has a 2-D cropping layer only).
  x = tfl.layers.reshape({ targetShape: [grid * grid + 1, cfg.dim, 1], name: 'tokens' }).apply(x) as SymbolicTensor;
  x = tfl.layers
    .cropping2D({
      cropping: [
        [0, grid * grid],
        [0, 0],
      ],
      name: 'class_token',
    })
    .apply(x) as SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as SymbolicTensor;
  // torchvision starts the head at zero.
  const logits = tfl.layers
    .dense({ units: opts.numClasses, name: 'head', kernelInitializer: 'zeros', biasInitializer: 'zeros' })
    .apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name });
}

const PAPER =
  'Dosovitskiy, Beyer, Kolesnikov, et al. An image is worth 16×16 words: transformers for image recognition at scale. ICLR 2021';

registerModel({
  name: 'vit_b_16',
  title: 'ViT-B/16',
  year: 2020,
  paper: PAPER,
  introduced: {
    en: 'No convolutions: the image as a sequence of 16×16 patches, related by self-attention; best with much data',
    ja: '畳み込みなし：画像を16×16のパッチの列とみなし、自己注意で関係づける。大量のデータで真価を発揮',
  },
  create: (opts) =>
    vit(
      'vit_b_16',
      { patch: (s) => (s < VIT_SMALL_PATCH_BELOW ? 4 : 16), dim: 768, depth: 12, heads: 12, mlp: 3072 },
      opts,
    ),
});

registerModel({
  name: 'vit_tiny',
  title: 'ViT-Tiny (6 blocks, patch 4 under 96 px)',
  year: 2021,
  paper: `${PAPER}; width as Touvron et al., DeiT, ICML 2021`,
  introduced: {
    en: 'A ViT sized for MedMNIST: width 192, 3 heads, 6 blocks, 4-pixel patches so 28–64 px images give 49–256 tokens',
    ja: 'MedMNIST向けの小さなViT：幅192・3ヘッド・6ブロック、4ピクセルのパッチで28〜64 pxの画像が49〜256トークンに',
  },
  create: (opts) =>
    vit('vit_tiny', { patch: (s) => (s < 96 ? 4 : s < 192 ? 8 : 16), dim: 192, depth: 6, heads: 3, mlp: 768 }, opts),
});
