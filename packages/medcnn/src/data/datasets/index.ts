import type { DatasetInfo } from '../dataset-info.js';
import { pathmnist } from './pathmnist.js';
import { chestmnist } from './chestmnist.js';
import { dermamnist } from './dermamnist.js';
import { octmnist } from './octmnist.js';
import { pneumoniamnist } from './pneumoniamnist.js';
import { retinamnist } from './retinamnist.js';
import { breastmnist } from './breastmnist.js';
import { bloodmnist } from './bloodmnist.js';
import { tissuemnist } from './tissuemnist.js';
import { organamnist } from './organamnist.js';
import { organcmnist } from './organcmnist.js';
import { organsmnist } from './organsmnist.js';

/** Every MedMNIST 2D dataset, one file each, in the medmnist package's order. */
export const ALL_DATASETS: DatasetInfo[] = [
  pathmnist,
  chestmnist,
  dermamnist,
  octmnist,
  pneumoniamnist,
  retinamnist,
  breastmnist,
  bloodmnist,
  tissuemnist,
  organamnist,
  organcmnist,
  organsmnist,
];
