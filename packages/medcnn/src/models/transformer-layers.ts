/**
 * The two layers a Vision Transformer needs that tfjs-layers does not have, registered with TF.js' serialization
 * so that a saved ViT loads again (in Node and in the browser: io.ts and browser.ts import this module).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];
type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

const single = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
const singleShape = (s: Shape | Shape[]): Shape => (Array.isArray(s[0]) ? (s[0] as Shape) : (s as Shape));

/**
 * Prepends a learned class token to the patch tokens and adds a learned position embedding to every token:
 * [batch, patches, dim] → [batch, patches + 1, dim]. The class token starts at zero and the position embedding
 * with standard deviation 0.02, as torchvision's ViT (uniform here with that variance; see common.ts).
 */
export class ClassTokenPositionEmbedding extends tfl.layers.Layer {
  static className = 'MedcnnClassTokenPositionEmbedding';
  private classToken?: tfl.LayerVariable;
  private position?: tfl.LayerVariable;

  override build(inputShape: Shape | Shape[]): void {
    const [, n, d] = singleShape(inputShape) as number[];
    const bound = 0.02 * Math.sqrt(3);
    this.classToken = this.addWeight('class_token', [1, 1, d], 'float32', tfl.initializers.zeros());
    this.position = this.addWeight(
      'position_embedding',
      [1, n + 1, d],
      'float32',
      tfl.initializers.randomUniform({ minval: -bound, maxval: bound }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [b, n, d] = singleShape(inputShape);
    return [b, (n as number) + 1, d];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const cls = tf.tile(this.classToken!.read(), [x.shape[0], 1, 1]);
      return tf.add(tf.concat([cls, x], 1), this.position!.read());
    });
  }
}

/**
 * Multi-head self-attention (Vaswani et al. 2017) as PyTorch's nn.MultiheadAttention computes it for ViT:
 * one projection to queries, keys and values (dim → 3·dim, with bias), softmax(q·kᵀ/√(dim/heads))·v per head,
 * and an output projection (dim → dim, with bias): 4·dim² + 4·dim weights. [batch, tokens, dim] in and out.
 */
export class MultiHeadSelfAttention extends tfl.layers.Layer {
  static className = 'MedcnnMultiHeadSelfAttention';
  readonly numHeads: number;
  private qkvKernel?: tfl.LayerVariable;
  private qkvBias?: tfl.LayerVariable;
  private outKernel?: tfl.LayerVariable;
  private outBias?: tfl.LayerVariable;

  constructor(args: LayerArgs & { numHeads: number }) {
    super(args);
    this.numHeads = args.numHeads;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = singleShape(inputShape)[2] as number;
    // PyTorch: the input projection Xavier-uniform, the output projection its Linear default, both biases zero.
    this.qkvKernel = this.addWeight('qkv_kernel', [d, 3 * d], 'float32', tfl.initializers.glorotUniform({}));
    this.qkvBias = this.addWeight('qkv_bias', [3 * d], 'float32', tfl.initializers.zeros());
    this.outKernel = this.addWeight(
      'out_kernel',
      [d, d],
      'float32',
      tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' }),
    );
    this.outBias = this.addWeight('out_bias', [d], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [b, t, d] = x.shape;
      const h = this.numHeads;
      const dh = d / h;
      const qkv = tf.add(tf.matMul(tf.reshape(x, [b * t, d]), this.qkvKernel!.read()), this.qkvBias!.read());
      // [b·t, 3·d] → [3, b, heads, t, dh]: queries, keys and values, each split into heads.
      const [q, k, v] = tf.unstack(tf.transpose(tf.reshape(qkv, [b, t, 3, h, dh]), [2, 0, 3, 1, 4]));
      const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(dh)), k, false, true);
      const heads = tf.matMul(tf.softmax(scores), v);
      const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [b * t, d]);
      return tf.reshape(tf.add(tf.matMul(merged, this.outKernel!.read()), this.outBias!.read()), [b, t, d]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads };
  }
}

tf.serialization.registerClass(ClassTokenPositionEmbedding);
tf.serialization.registerClass(MultiHeadSelfAttention);
