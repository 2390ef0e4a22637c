/**
 * Storage side of progress, written against a minimal {@link KeyValueStore} (localStorage in the
 * browser, a map in tests) so the rules can be tested without a browser:
 *
 * - {@link planLoad} decides what to do with the stored text: use it, migrate it, drop invalid
 *   parts, or set an unreadable record aside. Whenever the stored text would be rewritten with
 *   anything but itself, it must first be copied to a backup key.
 * - {@link writeBackup} writes such a copy and *verifies* it by reading it back. When that fails
 *   (storage full), the caller must leave the original untouched: nothing may be written over it.
 * - {@link listBackups} lists the copies, so the learner can download or delete them.
 *
 * @module
 */
import { BACKUP_PREFIX, CURRENT_VERSION, emptyProgress, type Progress } from './schema';
import { describeDropped, parseProgress, type Replay } from './validate';

/** The part of the Web Storage API used here. */
export interface KeyValueStore {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
	key(index: number): string | null;
	readonly length: number;
}

/** What {@link planLoad} decided. */
export interface LoadPlan {
	progress: Progress;
	/** Why the stored text cannot be read at all (then `progress` is empty), or null. */
	unreadable: string | null;
	/** Parts of the stored record left out or repaired, each naming the part. */
	dropped: string[];
	migratedFrom: number | null;
	/**
	 * True when the stored text must be backed up (verified) before the record is rewritten:
	 * it is unreadable, from an older version, or had invalid parts.
	 */
	needsBackup: boolean;
	/** True when the record is older and its migration waits for the scheduler (`replay`); nothing else is decided. */
	needsReplay?: true;
}

/**
 * Decide what to do with the raw stored text (null when nothing is stored). Never throws.
 * @param replay - review.ts `withAnswers`, to migrate an older record (validate.ts `Replay`);
 *   without it such a record gives a plan with `needsReplay`.
 */
export function planLoad(raw: string | null, replay?: Replay): LoadPlan {
	if (raw === null || raw === '') return { progress: emptyProgress(), unreadable: null, dropped: [], migratedFrom: null, needsBackup: false };
	const r = parseProgress(raw, replay);
	if (!r.ok && r.needsReplay) return { progress: emptyProgress(), unreadable: null, dropped: [], migratedFrom: null, needsBackup: false, needsReplay: true };
	if (!r.ok) return { progress: emptyProgress(), unreadable: r.error, dropped: [], migratedFrom: null, needsBackup: true };
	const migratedFrom = r.migratedFrom ?? null;
	return { progress: r.progress, unreadable: null, dropped: r.dropped, migratedFrom, needsBackup: migratedFrom !== null || r.dropped.length > 0 };
}

/** The learner-facing sentence for a plan whose backup was written (`key`) or failed (`key` null). */
export function describePlan(plan: LoadPlan, key: string | null): string | null {
	const kept = key
		? `The original was kept under the key "${key}".`
		: 'There is no room in this browser\'s storage for a backup copy, so the original has been left exactly as it was and nothing will be saved over it.';
	if (plan.unreadable) {
		return key
			? `Saved progress could not be read (${plan.unreadable}). It was kept under the key "${key}" and a fresh record was started.`
			: `Saved progress could not be read (${plan.unreadable}). ${kept} What you do now is kept in this tab only.`;
	}
	const parts: string[] = [];
	if (plan.migratedFrom !== null) parts.push(`Your saved progress was upgraded from version ${plan.migratedFrom} to version ${CURRENT_VERSION}.`);
	if (plan.dropped.length) parts.push(`Some saved progress was invalid and has been left out: ${describeDropped(plan.dropped)}.`);
	if (parts.length === 0) return null;
	if (plan.needsBackup) parts.push(key ? kept : `${kept} What you do now is kept in this tab only.`);
	return parts.join(' ');
}

/** A short description of a storage exception ("storage is full", or its message). */
export function describeStorageError(e: unknown): string {
	const name = e instanceof DOMException || e instanceof Error ? e.name : '';
	const msg = e instanceof Error ? e.message : String(e);
	if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || /quota/i.test(msg)) return "this browser's storage is full";
	return msg || name || 'storage is not available';
}

/**
 * Write `value` under `key` and read it back.
 * @returns `{ ok: true }` only when the stored value reads back identical; otherwise the reason.
 */
export function writeVerified(store: KeyValueStore, key: string, value: string): { ok: true } | { ok: false; error: string } {
	try {
		store.setItem(key, value);
	} catch (e) {
		return { ok: false, error: describeStorageError(e) };
	}
	let back: string | null;
	try {
		back = store.getItem(key);
	} catch (e) {
		return { ok: false, error: describeStorageError(e) };
	}
	return back === value ? { ok: true } : { ok: false, error: 'the copy did not read back identical' };
}

/** A backup key for time `now` that is not in use yet. */
export function freeBackupKey(store: KeyValueStore, now: number): string {
	let key = `${BACKUP_PREFIX}${now}`;
	for (let n = 2; store.getItem(key) !== null; n++) key = `${BACKUP_PREFIX}${now}-${n}`;
	return key;
}

/**
 * Copy `raw` to a fresh backup key and verify it.
 * @returns the key, or null when the copy could not be written and verified (then nothing
 *   half-written is left behind).
 */
export function writeBackup(store: KeyValueStore, raw: string, now: number): string | null {
	let key: string;
	try {
		key = freeBackupKey(store, now);
	} catch {
		return null;
	}
	const r = writeVerified(store, key, raw);
	if (r.ok) return key;
	try {
		store.removeItem(key);
	} catch {
		/* nothing more to do */
	}
	return null;
}

/** One stored backup. */
export interface BackupInfo {
	key: string;
	/** When it was taken (ms), from the key. */
	at: number;
	/** Characters stored. */
	size: number;
}

/** Every backup in the store, newest first. */
export function listBackups(store: KeyValueStore): BackupInfo[] {
	const out: BackupInfo[] = [];
	for (let i = 0; i < store.length; i++) {
		const key = store.key(i);
		if (!key || !key.startsWith(BACKUP_PREFIX)) continue;
		const at = Number(/^(\d+)/.exec(key.slice(BACKUP_PREFIX.length))?.[1] ?? NaN);
		out.push({ key, at: Number.isFinite(at) ? at : 0, size: store.getItem(key)?.length ?? 0 });
	}
	return out.sort((a, b) => b.at - a.at || b.key.localeCompare(a.key));
}
