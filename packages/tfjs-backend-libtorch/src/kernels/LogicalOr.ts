/** LogicalOr: broadcasting binary op, native op 'logical_or', result bool. */
import { LogicalOr } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const logicalOrConfig = binaryKernel(LogicalOr, 'logical_or', 'bool');
