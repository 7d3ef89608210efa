import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store, TrackedMap } from './store.js';

const SNAPSHOT_FILE = 'simulator-state.json';
const JOURNAL_FILE = 'simulator-journal.ndjson';
const SNAPSHOT_VERSION = 1;
/** Past this many journal bytes the journal is folded into the snapshot, so a restart replays little. */
const JOURNAL_COMPACT_BYTES = 64 * 1024 * 1024;

interface Snapshot {
  version: number;
  maps: Record<string, [string, unknown][]>;
}

/** One journal line: the object's whole new value under its key, or its deletion. */
type JournalRecord = { m: string; k: string; v: unknown } | { m: string; k: string; d: true };

/**
 * The simulator's objects in a directory, so WooshPay's world survives a restart of `npm start` as
 * Temporal's does. A snapshot (written to a temp file, then renamed) plus an append-only journal of the
 * objects changed since. Changes are appended in one write before the answer that reports them leaves
 * (and after every timer), so a process killed at any moment keeps everything WooshPay answered for,
 * and a request killed halfway leaves none of its objects (its idempotency key is free to retry). A
 * record is a whole object, so replaying one twice is harmless; a torn last line is ignored.
 */
export class Persistence {
  readonly #snapshotPath: string;
  readonly #journalPath: string;
  readonly #dirty = new Map<string, { map: TrackedMap<unknown>; key: string }>();
  #journalBytes = 0;
  #store: Store | null = null;

  constructor(
    dir: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    this.#snapshotPath = path.join(dir, SNAPSHOT_FILE);
    this.#journalPath = path.join(dir, JOURNAL_FILE);
  }

  /** Fills an empty store from the directory, then starts recording its changes. */
  load(store: Store): void {
    const maps = new Map(store.maps().map((map) => [map.name, map]));
    if (existsSync(this.#snapshotPath)) {
      const snapshot = JSON.parse(readFileSync(this.#snapshotPath, 'utf8')) as Snapshot;
      if (snapshot.version !== SNAPSHOT_VERSION) throw new Error(`Unknown simulator snapshot version ${snapshot.version}`);
      for (const [name, entries] of Object.entries(snapshot.maps)) {
        const map = maps.get(name);
        for (const [key, value] of entries) map?.set(key, value);
      }
    }
    for (const record of this.#journal()) {
      const map = maps.get(record.m);
      if ('d' in record) map?.delete(record.k);
      else map?.set(record.k, record.v);
    }
    this.track(store);
  }

  /** Records every change of this store from now on (a fresh store after a reset). */
  track(store: Store): void {
    this.#store = store;
    this.#dirty.clear();
    for (const map of store.maps()) map.listen((changed, key) => this.#dirty.set(`${changed.name}\u0000${key}`, { map: changed, key }));
  }

  /** Appends what changed since the last commit, in one write; folds a long journal into the snapshot. */
  commit(): void {
    this.#appendDirty();
    if (this.#journalBytes > JOURNAL_COMPACT_BYTES && this.#store) this.compact(this.#store);
  }

  #appendDirty(): void {
    if (this.#dirty.size === 0) return;
    let lines = '';
    for (const { map, key } of this.#dirty.values()) {
      const record: JournalRecord = map.has(key) ? { m: map.name, k: key, v: map.get(key) } : { m: map.name, k: key, d: true };
      lines += `${JSON.stringify(record)}\n`;
    }
    try {
      appendFileSync(this.#journalPath, lines, { mode: 0o600 });
      this.#dirty.clear();
      this.#journalBytes += Buffer.byteLength(lines);
    } catch (error) {
      // Kept dirty: the next commit tries again. The simulator goes on answering from memory.
      this.log('simulator could not write its journal', error);
    }
  }

  /** Folds the journal into a new snapshot: written aside, renamed over the old one, then the journal emptied. */
  compact(store: Store): void {
    this.#appendDirty();
    const snapshot: Snapshot = {
      version: SNAPSHOT_VERSION,
      maps: Object.fromEntries(store.maps().map((map) => [map.name, [...map.entries()]])),
    };
    const temp = `${this.#snapshotPath}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(snapshot), { mode: 0o600 });
    renameSync(temp, this.#snapshotPath);
    // A crash before this line replays records the snapshot already holds: harmless.
    writeFileSync(this.#journalPath, '');
    this.#journalBytes = 0;
  }

  #journal(): JournalRecord[] {
    if (!existsSync(this.#journalPath)) return [];
    const records: JournalRecord[] = [];
    for (const line of readFileSync(this.#journalPath, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line) as JournalRecord);
      } catch {
        this.log('simulator journal: ignoring a torn line (a write cut off by a crash)');
      }
    }
    return records;
  }
}
