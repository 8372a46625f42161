/**
 * Dropout whose mask the libtorch backend draws natively. tfjs' Dropout draws its mask in JavaScript and writes
 * it to the backend each step, which a captured training step cannot replay (the written values change), so
 * every model with dropout or stochastic depth trained plainly. This subclass, on a backend with the native
 * mask kernel and in training, multiplies by that mask instead: the same distribution (0 with probability
 * `rate`, else 1/(1 − rate)), drawn from the backend's own generator, which seedEverything seeds. Elsewhere
 * (wasm, cpu, the browser, inference, a layer with a seed of its own) it is tfjs' Dropout. It is registered
 * under tfjs' own class name, so saved models are unchanged and every saved Dropout (older runs, pretrained
 * backbones, ONNX export's reading) loads into it.
 */
import * as tf from '@tensorflow/tfjs-core';
// Loaded first: its Dropout, registered on import, is the class this one extends.
import '@tensorflow/tfjs-layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DropoutLayerArgs, Dropout as TfjsDropoutClass } from '@tensorflow/tfjs-layers/dist/layers/core.js';

type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** The libtorch backend's dropout multiplier (tfjs-backend-libtorch's LibtorchDropoutMask). */
const NATIVE_MASK = 'LibtorchDropoutMask';

// tfjs-layers exports only a factory for its Dropout; the class is the one its serialization map holds (read
// before ours takes the name).
const TfjsDropout = tf.serialization.SerializationMap.getMap().classNameMap
  .Dropout[0] as unknown as typeof TfjsDropoutClass;

export class Dropout extends TfjsDropout {
  static override className = 'Dropout';
  private readonly keep: number;
  private readonly ownSeed: boolean;

  constructor(args: DropoutLayerArgs) {
    super(args);
    this.keep = 1 - Math.max(Math.min(args.rate, 1), 0);
    this.ownSeed = args.seed != null;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const native =
      kwargs.training === true &&
      this.keep > 0 &&
      this.keep < 1 &&
      !this.ownSeed &&
      tf.getKernel(NATIVE_MASK, tf.getBackend()) !== undefined;
    if (!native) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      // The noise shape with its nulls filled from x (stochastic depth: [batch, 1, 1, 1]); x's shape without one.
      const shape = (this.getNoiseShape(x) as number[] | null) ?? x.shape;
      const mask = tf.engine().runKernel(NATIVE_MASK, {}, { keep: this.keep, shape } as unknown as tf.NamedAttrMap);
      return tf.mul(x, mask as tf.Tensor);
    });
  }
}
tf.serialization.registerClass(Dropout);

/** A Dropout layer (medcnn's: see above); the arguments of tfjs' `tf.layers.dropout`. */
export function dropout(args: DropoutLayerArgs): Dropout {
  return new Dropout(args);
}
