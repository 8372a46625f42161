import * as tfl from '@tensorflow/tfjs-layers';

/**
 * tfjs-layers 4.22's Resizing layer reports its output shape without the batch dimension and with the
 * image width as the channel count ([96, 96, 28] for a [null, 28, 28, 1] input), so no layer can follow it
 * in a functional model. Its computation is right; only the shape it declares is wrong. This installs the
 * correct shape, [batch, height, width, channels], once per process. Its call also expects a bare tensor
 * where a model passes a one-element list; the list is unwrapped. Any program that loads a medcnn
 * transfer model (which resizes inside the model) must import this module first; medcnn's loadModel does.
 */
function fixResizingOutputShape(): void {
  const layer = tfl.layers.resizing({ height: 2, width: 2 });
  const proto = Object.getPrototypeOf(layer) as {
    computeOutputShape(s: unknown): unknown;
    call(i: unknown, k: unknown): unknown;
    __medcnnFixed?: boolean;
  };
  if (proto.__medcnnFixed) return;
  proto.computeOutputShape = function (this: { height: number; width: number }, inputShape: unknown) {
    const shape = (Array.isArray(inputShape) && Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (
      | number
      | null
    )[];
    return [shape[0], this.height, this.width, shape[3]];
  };
  const call = proto.call;
  proto.call = function (this: unknown, inputs: unknown, kwargs: unknown) {
    return call.call(this, Array.isArray(inputs) ? inputs[0] : inputs, kwargs);
  };
  proto.__medcnnFixed = true;
}

fixResizingOutputShape();
