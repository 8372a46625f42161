import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

/**
 * The dependency rule of packages/medcnn/src (the README's layout section draws it): each folder may import
 * only from folders in earlier rows (and from itself); index.ts and browser.ts are entry points over them.
 */
export const LAYERS: string[][] = [
  ['errors'],
  ['util', 'i18n'],
  ['engine'],
  ['data'],
  ['metrics'],
  ['augment'],
  ['models'],
  ['train'],
  ['report'],
  ['explain'],
  ['runfolder'],
  ['run'],
  ['serve'],
  ['cli'],
];
const ENTRY_POINTS = new Set(['index', 'browser']);

const SRC = path.resolve(import.meta.dirname, '../../src');

/** The top folder (or top-level file without .ts) a source path belongs to. */
function unitOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length ? first : first.replace(/\.ts$/, '');
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import in the tree that breaks the rule, as `file → import (why)`. */
export function layerViolations(): string[] {
  const rank = new Map(LAYERS.flatMap((row, i) => row.map((u) => [u, i] as const)));
  const out: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
      const to = unitOf(path.resolve(path.dirname(file), m[1].replace(/\.js$/, '.ts')));
      if (to === from || ENTRY_POINTS.has(from)) continue;
      const rel = path.relative(SRC, file);
      if (!rank.has(from)) out.push(`${rel}: folder '${from}' has no row in the layer table`);
      else if (!rank.has(to)) out.push(`${rel} → ${m[1]}: '${to}' has no row in the layer table`);
      else if (rank.get(to)! >= rank.get(from)!) out.push(`${rel} → ${m[1]} (${from} may not import ${to})`);
    }
  }
  return out;
}

test('every import in packages/medcnn/src runs downwards through the layers', () => {
  assert.ok(fs.existsSync(SRC), `sources not found at ${SRC}`);
  assert.deepEqual(layerViolations(), []);
});

test('the layer check catches an upward import', () => {
  const probe = path.join(SRC, 'data', '__layer-probe.ts');
  fs.writeFileSync(probe, "import '../run/train.js';\n");
  try {
    assert.deepEqual(layerViolations(), ['data/__layer-probe.ts → ../run/train.js (data may not import run)']);
  } finally {
    fs.rmSync(probe);
  }
});
