/**
 * Every citation of docs/ in the tracked files resolves in a fresh clone: the cited document exists, and so
 * does the cited § or heading (rules in test/helpers/doc-references.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CITED_DOC, findBrokenReferences, type SourceFile } from '../helpers/doc-references.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Machine-written or binary: no citations in them, and large. */
const NOT_SCANNED = [/^package-lock\.json$/, /^test\/histories\//, /\.(png|jpe?g|gif|ico|woff2?|bin)$/];

function docs(): Record<string, string> {
  const names = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
  return Object.fromEntries(names.map((name) => [`docs/${name}`, readFileSync(join(ROOT, 'docs', name), 'utf8')]));
}

function trackedFiles(): SourceFile[] {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return paths
    .filter((path) => !NOT_SCANNED.some((pattern) => pattern.test(path)))
    .filter((path) => statSync(join(ROOT, path), { throwIfNoEntry: false })?.isFile())
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }))
    .filter((file) => !file.text.includes('\0'));
}

// Built from pieces so that this file's own text cites nothing that does not resolve.
const S = '§';
const DOCS = 'docs/';
const SHARED = ['..', 'shared'].join('/');
const md = (name: string) => [name, 'md'].join('.');
const DESIGN = DOCS + md('design');
const TEMPORAL = DOCS + md('temporal-notes');

describe('references to docs/', () => {
  const documents = docs();

  it('has the three documents the code cites, with the § numbering the code relies on', () => {
    expect(Object.keys(documents).sort()).toEqual(expect.arrayContaining([DESIGN, TEMPORAL, DEFAULT_CITED_DOC]));
    const sections = [...documents[DEFAULT_CITED_DOC].matchAll(/^#{2,3} (\d+(?:\.\d+)?)[. ]/gm)].map((m) => m[1]);
    const assumptions = Array.from({ length: 24 }, (_, i) => `14.${i + 1}`);
    expect(sections).toEqual(expect.arrayContaining([...Array.from({ length: 14 }, (_, i) => String(i + 1)), ...assumptions]));
  });

  it('resolves every citation in the tracked files', () => {
    const files = trackedFiles();
    // The scan must reach the code that cites bare § numbers, or finding nothing proves nothing.
    const citing = files.filter((f) => f.text.includes(S));
    expect(citing.map((f) => f.path)).toEqual(expect.arrayContaining(['wooshpay/assumptions.ts', 'simulator/routes/control.ts']));
    expect(citing.length).toBeGreaterThan(30);
    expect(findBrokenReferences(files, documents)).toEqual([]);
  });

  describe('the check can fail', () => {
    const check = (path: string, text: string) => findBrokenReferences([{ path, text }], documents).map((b) => b.problem);

    it('on a missing section, in the document the line or the header names or else the default one', () => {
      expect(check('a.ts', `// ${S}14.99: no such assumption`)).toEqual([`${DEFAULT_CITED_DOC} has no ${S}14.99`]);
      expect(check('a.ts', `// ${TEMPORAL} ${S}2.1 and ${S}14.5`)).toEqual([`${TEMPORAL} has no ${S}14.5`]);
      expect(check('a.ts', `// Temporal facts: ${TEMPORAL}\nconst a = 1; // ${S}6.2, ${S}12`)).toEqual([`${TEMPORAL} has no ${S}12`]);
      expect(check(DESIGN, `## Flow\nsee ${S}14.1`)).toEqual([`${DESIGN} has no ${S}14.1`]);
    });

    it('on a missing document or heading', () => {
      expect(check('a.ts', `// ${DOCS + md('missing')} ${S}1`)).toEqual([`${DOCS + md('missing')} does not exist`]);
      expect(check('a.ts', `// ${DESIGN} "No such heading"`)).toEqual([`${DESIGN} has no heading "No such heading"`]);
      expect(check('a.ts', `// ${DESIGN} "Simulator contract"`)).toEqual([]);
    });

    it('on the old reference folder beside the repository and on bare document names', () => {
      const api = md('wooshpay-api');
      expect(check('a.ts', `// ${SHARED}/${api} ${S}14`)).toEqual([`${SHARED} is outside the repository's docs/`]);
      expect(check('a.ts', `// notes/${api} ${S}14`)).toEqual([`notes/${api} is outside the repository's docs/`]);
      expect(check('README.md', `see ${SHARED}/notes.txt`)).toEqual([`${SHARED} is outside the repository's docs/`]);
      expect(check('a.ts', `// ${md('design')}, "Simulator contract"`)).toEqual([`${md('design')} without docs/ does not resolve from every file`]);
    });
  });
});
