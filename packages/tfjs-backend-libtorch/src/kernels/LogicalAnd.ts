/** LogicalAnd: broadcasting binary op, native op 'logical_and', result bool. */
import { LogicalAnd } from '@tensorflow/tfjs-core';

import { binaryKernel } from '../kernel_utils.js';

export const logicalAndConfig = binaryKernel(LogicalAnd, 'logical_and', 'bool');
