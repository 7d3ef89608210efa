/**
 * Finds citations of the project's documents (`docs/*.md`) that do not resolve. What counts as a citation:
 * - `docs/<name>.md` anywhere: the file must exist; followed by `"Heading"`, that heading must exist in it.
 * - `§N` / `§N.N`: a numbered heading of a document. Which document: the nearest `docs/<name>.md` before
 *   it on the same line; else the one the file's header names (its leading comment, or a Markdown file's
 *   text before its first `##` heading); else, for a document, itself; else `docs/wooshpay-api.md`, whose
 *   numbering the code cites bare by convention (stated at the top of that document).
 * - A document's file name reached by another path, or with no path at all, and any reference to the
 *   reference folder that sat beside the repository before docs/ existed: a fresh clone resolves neither.
 */

export interface SourceFile {
  path: string;
  text: string;
}

export interface BrokenReference {
  path: string;
  line: number;
  problem: string;
}

/** The document bare § numbers cite when nothing on the line or in the header names another. */
export const DEFAULT_CITED_DOC = 'docs/wooshpay-api.md';

const DOC_MENTION = /docs\/([\w-]+\.md)(?:`?,?\s+"([^"]+)")?/g;
const SECTION = /§(\d+(?:\.\d+)*)/g;
const NUMBERED_HEADING = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/;
const HEADING = /^#{1,6}\s+(.+?)\s*$/;

interface DocIndex {
  sections: Set<string>;
  headings: Set<string>;
}

function indexDoc(text: string): DocIndex {
  const sections = new Set<string>();
  const headings = new Set<string>();
  for (const line of text.split('\n')) {
    const heading = HEADING.exec(line);
    if (!heading) continue;
    headings.add(heading[1]);
    const numbered = NUMBERED_HEADING.exec(line);
    if (numbered) sections.add(numbered[1]);
  }
  return { sections, headings };
}

/** The file's leading comment, or a Markdown file's text before its first `##` heading. */
function header(file: SourceFile): string {
  const lines = file.text.split('\n');
  if (file.path.endsWith('.md')) {
    const end = lines.findIndex((l) => l.startsWith('## '));
    return lines.slice(0, end === -1 ? lines.length : end).join('\n');
  }
  const comment = /^\s*(\/\/|\/\*|\*|#|$)/;
  const end = lines.findIndex((l) => !comment.test(l));
  return lines.slice(0, end === -1 ? lines.length : end).join('\n');
}

function fileDefaultDoc(file: SourceFile): string {
  if (/^docs\/[\w-]+\.md$/.test(file.path)) return file.path;
  const named = /docs\/[\w-]+\.md/.exec(header(file));
  return named ? named[0] : DEFAULT_CITED_DOC;
}

/** `docs` maps `docs/<name>.md` to its text. */
export function findBrokenReferences(files: readonly SourceFile[], docs: Readonly<Record<string, string>>): BrokenReference[] {
  const indexes = new Map(Object.entries(docs).map(([path, text]) => [path, indexDoc(text)]));
  const docNames = Object.keys(docs).map((path) => path.slice('docs/'.length));
  const bareName = new RegExp(`(?<![\\w/-])(${docNames.map(escape).join('|')})(?![\\w-])`, 'g');
  const outside = new RegExp(`\\.\\./${'shared'}\\b|(?<![\\w.-])[\\w.-]*/(${docNames.map(escape).join('|')})(?![\\w-])`, 'g');
  const broken: BrokenReference[] = [];

  for (const file of files) {
    const fallback = fileDefaultDoc(file);
    file.text.split('\n').forEach((text, i) => {
      const report = (problem: string) => broken.push({ path: file.path, line: i + 1, problem });
      const mentions = [...text.matchAll(DOC_MENTION)];
      for (const m of mentions) {
        const doc = indexes.get(`docs/${m[1]}`);
        if (!doc) report(`docs/${m[1]} does not exist`);
        else if (m[2] !== undefined && !doc.headings.has(m[2])) report(`docs/${m[1]} has no heading "${m[2]}"`);
      }
      for (const m of text.matchAll(SECTION)) {
        const before = mentions.filter((d) => (d.index ?? 0) < (m.index ?? 0)).at(-1);
        const cited = before ? `docs/${before[1]}` : fallback;
        const doc = indexes.get(cited);
        if (doc && !doc.sections.has(m[1])) report(`${cited} has no §${m[1]}`);
        else if (!doc && !before) report(`§${m[1]} cites ${cited}, which does not exist`);
      }
      for (const m of text.matchAll(outside)) {
        if (!m[0].startsWith('docs/')) report(`${m[0]} is outside the repository's docs/`);
      }
      for (const m of text.matchAll(bareName)) report(`${m[1]} without docs/ does not resolve from every file`);
    });
  }
  return broken;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
