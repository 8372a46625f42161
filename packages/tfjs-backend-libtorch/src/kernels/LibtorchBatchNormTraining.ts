/** LibtorchBatchNormTraining: y, batch mean, batch variance and 1/std in one call (see layers/batch_norm.ts). */
import { kernel } from '../kernel_utils.js';

export const libtorchBatchNormTrainingConfig = kernel('LibtorchBatchNormTraining', (b, { x, gamma, beta }, attrs) =>
  b.run('batch_norm_training', [x!, gamma!, beta!], { epsilon: attrs.epsilon as number }, 'float32'),
);
