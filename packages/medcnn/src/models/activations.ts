/**
 * SiLU ('swish') and GELU ('gelu') that keep one tensor for their gradient, as PyTorch's do, registered in place of
 * tfjs-layers' own under the same names, so every model built or loaded after this module is imported uses them
 * and a saved model's JSON is unchanged.
 *
 * Why: tfjs-layers composes them from small ops, and autodiff keeps each op's inputs until the backward pass
 * reaches it — sigmoid(x) beside x for SiLU, four full-size tensors for GELU. On EfficientNet-B0, whose every block
 * has two SiLUs on its widest maps, that was a third of a training step's memory. Here the forward runs the same ops
 * in the same order as tfjs' (so the same outputs, bit for bit), keeps only x, and the gradient is computed from x:
 * in one native kernel on libtorch, else composed from small ops.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers its own classes when it loads; it must load first for these to take their place.
import '@tensorflow/tfjs-layers';

/** dy times the derivative at x in one native kernel on libtorch (the backend's LibtorchSiluGrad/GeluGrad), or null. */
function nativeGrad(kernel: string, dy: tf.Tensor, x: tf.Tensor): tf.Tensor | null {
  if (tf.getKernel(kernel, tf.getBackend()) === undefined) return null;
  return tf.engine().runKernel(kernel, { dy, x }) as tf.Tensor;
}

/** x·sigmoid(x); its derivative is s·(1 + x·(1 − s)) with s = sigmoid(x). */
const silu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.mul(tf.sigmoid(x), x),
    // In a tidy: tfjs calls gradFunc outside of one, and would keep its temporaries to the end of the backward pass.
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
      tf.tidy(() => {
        const native = nativeGrad('LibtorchSiluGrad', dy, saved);
        if (native) return native;
        const s = tf.sigmoid(saved);
        return tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(saved, tf.sub(1, s)))));
      }),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** The exact (erf) GELU, x·Φ(x); its derivative is Φ(x) + x·φ(x). */
const gelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
      tf.tidy(() => {
        const native = nativeGrad('LibtorchGeluGrad', dy, saved);
        if (native) return native;
        const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.div(saved, Math.SQRT2))));
        const pdf = tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(saved))));
        return tf.mul(dy, tf.add(cdf, tf.mul(saved, pdf)));
      }),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

export class Swish extends tf.serialization.Serializable {
  static className = 'swish';
  apply(x: tf.Tensor, alpha = 1): tf.Tensor {
    // tfjs' swish takes a sigmoid scale; layers never pass one, but keep its meaning if someone does.
    return alpha === 1 ? silu(x) : tf.tidy(() => tf.mul(tf.sigmoid(tf.mul(x, alpha)), x));
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

export class Gelu extends tf.serialization.Serializable {
  static className = 'gelu';
  apply(x: tf.Tensor): tf.Tensor {
    return gelu(x);
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

tf.serialization.registerClass(Swish);
tf.serialization.registerClass(Gelu);
