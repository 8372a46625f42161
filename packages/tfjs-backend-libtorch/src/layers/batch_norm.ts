/**
 * A faster BatchNormalization layer in training, on libtorch. tfjs-layers normalises a training batch with
 * tf.moments and tf.batchNorm, and differentiates through both: about twenty small kernels per layer and
 * step. On libtorch the forward is one kernel and its gradient one kernel (ATen's batch norm), with the
 * same results; the moving mean and variance are updated exactly as tfjs-layers does. Inference, other
 * backends, and layouts other than channels-last keep tfjs-layers' own code.
 *
 * tfjs-layers is not a dependency of this package, so the program passes its module in:
 * `installFusedBatchNorm(await import('@tensorflow/tfjs-layers'))`.
 */
import {
  customGrad,
  dispose,
  engine,
  getBackend,
  keep,
  mul,
  sub,
  tidy,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

interface LayerVariable {
  read(): Tensor;
  write(value: Tensor): unknown;
}

/** What the patch uses of a tfjs-layers BatchNormalization layer. */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: LayerVariable | null;
  beta: LayerVariable | null;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

type Call = (this: BatchNormLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

/** y of a training batch; the batch's mean and variance come back through `stats` (no gradient flows to them). */
function trainingForward(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number, stats: Tensor[]): Tensor {
  const attrs = { epsilon } as unknown as NamedAttrMap;
  const op = customGrad(((xs: Tensor, g: Tensor, b: Tensor, save: (t: Tensor[]) => void) => {
    const [y, mean, variance, invstd] = engine().runKernel(
      'LibtorchBatchNormTraining',
      { x: xs, gamma: g, beta: b },
      attrs,
    ) as Tensor[];
    // The forward runs in a tidy of the engine's: the statistics are kept for the caller, which disposes them.
    stats.push(keep(mean), keep(variance));
    save([xs, g, mean, invstd]);
    return {
      value: y,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [sx, sg, smean, sinvstd] = saved;
        return engine().runKernel(
          'LibtorchBatchNormTrainingGrad',
          { dy: dy as Tensor, x: sx, gamma: sg, mean: smean, invstd: sinvstd },
          attrs,
        ) as Tensor[];
      },
    };
  }) as unknown as Parameters<typeof customGrad>[0]);
  return op(x, gamma, beta);
}

export function installFusedBatchNorm(layers: { layers: { batchNormalization(args: object): object } }): void {
  const proto = Object.getPrototypeOf(layers.layers.batchNormalization({})) as { call: Call; __libtorch?: boolean };
  if (proto.__libtorch) return;
  const original = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rank = x.rank;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const fits =
      kwargs?.training === true &&
      getBackend() === 'libtorch' &&
      (rank === 4 || rank === 2) &&
      axis === rank - 1 &&
      this.gamma != null &&
      this.beta != null &&
      x.size / x.shape[rank - 1] > 1;
    if (!fits) return original.call(this, inputs, kwargs);
    return tidy(() => {
      const stats: Tensor[] = [];
      const y = trainingForward(x, this.gamma!.read(), this.beta!.read(), this.epsilon, stats);
      const [mean, variance] = stats;
      try {
        // tfjs-layers' moving average, step for step: v ← v − (v − batch) · (1 − momentum).
        for (const [variable, value] of [
          [this.movingMean, mean],
          [this.movingVariance, variance],
        ] as const) {
          tidy(() => {
            const old = variable.read();
            variable.write(sub(old, mul(sub(old, value), 1 - this.momentum)));
          });
        }
      } finally {
        dispose(stats);
      }
      return y;
    });
  };
  proto.__libtorch = true;
}
