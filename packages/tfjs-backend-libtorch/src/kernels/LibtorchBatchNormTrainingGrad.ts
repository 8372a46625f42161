/** LibtorchBatchNormTrainingGrad: dx, dgamma and dbeta of BatchNorm in training, in one call. */
import { kernel } from '../kernel_utils.js';

export const libtorchBatchNormTrainingGradConfig = kernel(
  'LibtorchBatchNormTrainingGrad',
  (b, { dy, x, gamma, mean, invstd }, attrs) =>
    b.run(
      'batch_norm_training_grad',
      [dy!, x!, gamma!, mean!, invstd!],
      { epsilon: attrs.epsilon as number },
      'float32',
    ),
);
