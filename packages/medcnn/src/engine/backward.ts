import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradients of a scalar loss with respect to variables, as `tf.variableGrads` computes them (the same
 * kernels in the same order, so the same numbers), but with memory freed as the backward pass goes, as
 * PyTorch's autograd does. tfjs-core keeps every gradient of an intermediate and every tensor a kernel saved
 * for its gradient until the whole backward pass ends; on ResNet-18 (28) that doubles a step's peak memory.
 * Here a node's saved tensors are freed once its gradient has run, and an intermediate's gradient once the
 * node that produced it has consumed it.
 *
 * It walks tfjs-core's tape, which the engine exposes as state but not as API; it falls back to tfjs' own
 * `variableGrads` wherever that state is not as expected (a higher-order gradient, an older engine).
 */

/** A node of tfjs-core's tape (engine state; its shape is stable across tfjs 4.x). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

/** The part of tfjs-core's engine this walks. */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string, f: () => T): T;
}

function engineInternals(): EngineInternals | null {
  const engine = tf.engine() as unknown as Partial<EngineInternals>;
  const ok =
    engine.state != null &&
    typeof engine.state.gradientDepth === 'number' &&
    typeof engine.startTape === 'function' &&
    typeof engine.endTape === 'function';
  return ok ? (engine as EngineInternals) : null;
}

/**
 * Kernels whose tfjs-core gradients read only the shapes of the tensors they save (Add's and Sub's broadcast
 * reductions, the pads, slices and reshapes, Concat's split sizes, Mean's and Sum's broadcasts; not Tile, whose
 * gradient starts from zerosLike of its input), where PyTorch saves the sizes alone. Their saved tensors can be
 * freed as soon as they are made: a tensor's shape stays readable after it is disposed.
 */
const SHAPE_ONLY = new Set(['Add', 'Sub', 'PadV2', 'Reshape', 'ExpandDims', 'Slice', 'Concat', 'Mean', 'Sum']);
let scanned = 0;

/**
 * Frees what the kernels of SHAPE_ONLY recorded on the current tape since the last call saved. Call it during a
 * forward pass under `variableGrads` (models/graph.ts does, after each layer), so those tensors do not add to the
 * forward pass's peak: an activation read only by a padding, a dropout's output read only by an addition.
 */
export function releaseShapeOnlySaved(): void {
  const tape = engineInternals()?.state.activeTape;
  if (!tape) return;
  for (; scanned < tape.length; scanned++) {
    const node = tape[scanned];
    if (SHAPE_ONLY.has(node.kernelName)) for (const t of node.saved ?? []) t.dispose();
  }
}

/** Like `tf.variableGrads(f, vars)`: the loss and each variable's gradient (by name). */
export function variableGrads(
  f: () => tf.Scalar,
  vars: tf.Variable[],
): { value: tf.Scalar; grads: Record<string, tf.Tensor> } {
  const engine = engineInternals();
  if (engine === null || engine.state.gradientDepth !== 0) return tf.variableGrads(f, vars);
  const trainable = vars.filter((v) => v.trainable);
  if (trainable.length === 0) throw new Error('variableGrads: none of the variables given is trainable.');

  engine.startTape();
  scanned = 0;
  let y: tf.Tensor;
  let tape: TapeNode[];
  try {
    y = engine.tidy('forward', f);
  } catch (err) {
    disposeSaved(engine.state.activeTape ?? []);
    throw err;
  } finally {
    engine.endTape();
    tape = engine.state.activeTape ?? [];
    engine.state.activeTape = null;
  }
  if (!(y instanceof tf.Tensor) || y.rank !== 0) {
    disposeSaved(tape);
    if (y instanceof tf.Tensor) y.dispose();
    throw new Error(
      `variableGrads: the loss must be a scalar tensor, not ${y instanceof tf.Tensor ? `a tensor of rank ${y.rank}` : typeof y}.`,
    );
  }
  const loss = y;
  let grads: (tf.Tensor | null)[];
  try {
    // tidy keeps what it returns; a variable no gradient reaches is left out of the list (null).
    grads = engine.tidy(
      'backward',
      () => backward(tape, trainable, loss) as unknown as tf.TensorContainer,
    ) as unknown as (tf.Tensor | null)[];
  } finally {
    disposeSaved(tape);
  }
  const named: Record<string, tf.Tensor> = {};
  trainable.forEach((v, k) => {
    if (grads[k] != null) named[v.name] = grads[k]!;
  });
  if (Object.keys(named).length === 0) {
    loss.dispose();
    throw new Error('variableGrads: no variable given is connected to the loss.');
  }
  return { value: loss as tf.Scalar, grads: named };
}

function disposeSaved(nodes: Iterable<TapeNode>): void {
  for (const node of nodes) {
    for (const t of node.saved ?? []) t.dispose();
    node.saved = [];
  }
}

/** The nodes on a path from one of `xs` to `y`, in tape order, each with the inputs that depend on `xs`. */
function nodesBetween(
  tape: TapeNode[],
  xs: tf.Tensor[],
  y: tf.Tensor,
): { node: TapeNode; inputs: [string, tf.Tensor][] }[] {
  const fromX = new Set(xs.map((x) => x.id));
  const reachedFromX = new Set<TapeNode>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      reachedFromX.add(node);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set([y.id]);
  const leadsToY = new Set<TapeNode>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      leadsToY.add(node);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  return tape
    .filter((node) => reachedFromX.has(node) && leadsToY.has(node))
    .map((node) => ({ node, inputs: Object.entries(node.inputs).filter(([, t]) => fromX.has(t.id)) }));
}

/** Walks the tape backwards from `y`; returns the gradient of each x (null where none reaches it). */
function backward(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): (tf.Tensor | null)[] {
  const path = nodesBetween(tape, xs, y);
  // Saved tensors of nodes off the path are never used: free them before the backward pass starts.
  const onPath = new Set(path.map((p) => p.node));
  disposeSaved(tape.filter((node) => !onPath.has(node)));

  const keep = new Set(xs.map((x) => x.id));
  const gradOf = new Map<number, tf.Tensor>();
  // How many entries of `gradOf` hold each tensor object: a gradient function may hand the same tensor to
  // two inputs (or return its dy), and a tensor is freed only when no entry holds it any more.
  const holders = new Map<tf.Tensor, number>();
  const hold = (id: number, t: tf.Tensor) => {
    gradOf.set(id, t);
    holders.set(t, (holders.get(t) ?? 0) + 1);
  };
  const release = (id: number) => {
    const t = gradOf.get(id);
    if (t === undefined) return;
    gradOf.delete(id);
    const n = (holders.get(t) ?? 1) - 1;
    if (n > 0) holders.set(t, n);
    else {
      holders.delete(t);
      t.dispose();
    }
  };
  hold(y.id, tf.ones(y.shape));

  for (let i = path.length - 1; i >= 0; i--) {
    const { node, inputs } = path[i];
    if (node.gradient == null)
      throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const dys = node.outputs.map((o) => gradOf.get(o.id) ?? null);
    // One tidy around the node's gradient function and its input gradients: a custom gradient (tf.customGrad)
    // computes its results when called, and tfjs would keep what it made on the way until the backward pass ends.
    const dxs = tf.tidy(() => {
      const gradients = node.gradient!(dys);
      return inputs.map(([name]) => {
        if (!(name in gradients))
          throw new Error(
            `Cannot backprop through input ${name} of ${node.kernelName}. Gradients found: ${Object.keys(gradients)}.`,
          );
        return gradients[name]();
      });
    });
    for (const [k, [name, x]] of inputs.entries()) {
      const dx = dxs[k];
      if (dx.dtype !== 'float32')
        throw new Error(`The gradient of input ${name} of ${node.kernelName} must be float32, not ${dx.dtype}.`);
      if (!tf.util.arraysEqual(dx.shape, x.shape))
        throw new Error(
          `The gradient of input ${name} of ${node.kernelName} has shape [${dx.shape}], not the input's [${x.shape}].`,
        );
      const sum = gradOf.get(x.id);
      if (sum === undefined) hold(x.id, dx);
      else {
        const total = tf.add(sum, dx);
        release(x.id);
        // dx may be held elsewhere too (a gradient handed to two inputs); otherwise it is spent.
        if (!holders.has(dx)) dx.dispose();
        hold(x.id, total);
      }
    }
    // This node is done: what it saved, and the gradients of its outputs, are needed no more.
    disposeSaved([node]);
    for (const o of node.outputs) if (!keep.has(o.id)) release(o.id);
  }
  return xs.map((x) => gradOf.get(x.id) ?? null);
}
