/** Every MedMNIST 2D dataset, one file each. */
export { pathmnist } from './pathmnist.js';
export { chestmnist } from './chestmnist.js';
export { dermamnist } from './dermamnist.js';
export { octmnist } from './octmnist.js';
export { pneumoniamnist } from './pneumoniamnist.js';
export { retinamnist } from './retinamnist.js';
export { breastmnist } from './breastmnist.js';
export { bloodmnist } from './bloodmnist.js';
export { tissuemnist } from './tissuemnist.js';
export { organamnist } from './organamnist.js';
export { organcmnist } from './organcmnist.js';
export { organsmnist } from './organsmnist.js';
