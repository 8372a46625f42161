/** LogicalXor: broadcasting binary op, native op 'logical_xor', result bool. */
import { LogicalXor } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const logicalXorConfig = binaryKernel(LogicalXor, 'logical_xor', 'bool');
