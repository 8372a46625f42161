/** Benchmarks that other parts of medcnn add (augmentation overhead, …), run once per backend. */
export async function runExtraBenches(_backend: string, _log: (line: string) => void): Promise<void> {}
