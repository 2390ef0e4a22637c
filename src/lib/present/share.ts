/**
 * Shareable demo links: a URL fragment that carries a scenario's text, its seed and the
 * step shown, e.g. `/playground#v=1&seed=42&step=7&s=<lz-string>`.
 *
 * A link only ever carries scenario *text*: {@link decodeShare} returns a string that the
 * caller hands to the scenario parser (`runScenario`), never to anything that executes code.
 * Everything in a fragment is untrusted (anyone can edit a URL), so decoding validates every
 * field and returns a readable error instead of throwing: a malformed, tampered or oversized
 * link becomes `{ ok: false, error }`.
 *
 * The text is compressed with lz-string's `compressToEncodedURIComponent`, whose alphabet
 * (`A–Z a–z 0–9 + - $`) needs no percent-escaping in a fragment. Decompression goes through
 * {@link decompressUriBounded}, which stops at {@link MAX_SHARED_CHARS}: a tiny hostile link
 * cannot expand to megabytes.
 *
 * @module
 */
import { compressToEncodedURIComponent } from 'lz-string';
import { MAX_SEED, isSeed, parseSeed } from '$lib/sim/seed';
import { decompressUriBounded } from './lz';

/** Version of the fragment format written by {@link encodeShare}. */
export const SHARE_VERSION = 1;

/** Largest scenario text a link may carry, in UTF-16 code units after decompression. */
export const MAX_SHARED_CHARS = 20_000;

/**
 * Largest compressed `s=` value accepted, in characters. lz-string output for 20 000
 * characters of scenario text is far shorter; the cap bounds the work a hostile link can
 * cause before the decompressed length is known.
 */
export const MAX_ENCODED_CHARS = 40_000;

/** Largest `step=` accepted (the player clamps to the trace's last step anyway). */
export const MAX_SHARED_STEP = 1_000_000;

/** Largest seed (sim/seed.ts): the scenario format's seeds are unsigned 32-bit integers. */
export { MAX_SEED };

/** What a link reproduces. */
export interface SharedDemo {
	/** Scenario text (docs/scenario-format.md). */
	text: string;
	/** Seed that overrides the scenario's `seed` line, or null to use the file's. */
	seed: number | null;
	/** Timeline step to show first (0-based, in the player's moment units). */
	step: number;
}

/** Result of {@link decodeShare}: a demo, or a sentence saying what is wrong with the link. */
export type DecodeResult = { ok: true; demo: SharedDemo } | { ok: false; error: string };

const LZ_ALPHABET = /^[A-Za-z0-9+\-$]*$/;
const KNOWN_KEYS = new Set(['v', 'seed', 'step', 's']);

/** Characters a scenario never needs: C0 controls other than tab, LF and CR, DEL, and U+FFFD. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

/**
 * Build the fragment (without `#`) for a demo.
 *
 * @throws RangeError when the text is longer than {@link MAX_SHARED_CHARS}, the seed is not an
 *   integer 0–{@link MAX_SEED}, or the step is not an integer 0–{@link MAX_SHARED_STEP}; the
 *   message says which (callers show it instead of a link).
 */
export function encodeShare(demo: SharedDemo): string {
	if (demo.text.length > MAX_SHARED_CHARS) {
		throw new RangeError(
			`This scenario is ${demo.text.length.toLocaleString('en')} characters long; a link can carry at most ${MAX_SHARED_CHARS.toLocaleString('en')}.`
		);
	}
	if (demo.seed !== null && !isSeed(demo.seed)) {
		throw new RangeError(`The seed must be a whole number from 0 to ${MAX_SEED}, not ${demo.seed}.`);
	}
	if (!(Number.isInteger(demo.step) && demo.step >= 0 && demo.step <= MAX_SHARED_STEP)) {
		throw new RangeError(`The step must be a whole number from 0 to ${MAX_SHARED_STEP}, not ${demo.step}.`);
	}
	const parts = [`v=${SHARE_VERSION}`];
	if (demo.seed !== null) parts.push(`seed=${demo.seed}`);
	parts.push(`step=${demo.step}`, `s=${compressToEncodedURIComponent(demo.text)}`);
	return parts.join('&');
}

/** A full URL for a demo: `base` (e.g. `https://site/playground`) with its fragment replaced. */
export function shareUrl(base: string, demo: SharedDemo): string {
	const i = base.indexOf('#');
	return `${i >= 0 ? base.slice(0, i) : base}#${encodeShare(demo)}`;
}

/** Does this fragment look like a shared demo at all (so an empty or unrelated `#anchor` is left alone)? */
export function isShareFragment(fragment: string): boolean {
	const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
	return /(^|&)(v|s)=/.test(f);
}

function parseWholeNumber(raw: string, name: string, max: number): number | string {
	if (!/^\d{1,10}$/.test(raw)) return `"${name}" must be a whole number, not "${clip(raw)}".`;
	const n = Number(raw);
	if (n > max) return `"${name}" must be at most ${max}, not ${raw}.`;
	return n;
}

function clip(s: string, n = 24): string {
	return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * Read a demo from a URL fragment (with or without the leading `#`).
 *
 * Checks, in order: the fragment's size and `key=value` syntax (no key twice), `v` (must be
 * {@link SHARE_VERSION}), `seed` and `step` (whole numbers in range), `s` (present, lz-string
 * alphabet, at most {@link MAX_ENCODED_CHARS} characters, decompresses to non-empty text of at
 * most {@link MAX_SHARED_CHARS} characters without control characters). Unknown keys are
 * ignored so later versions can add fields. Never throws.
 *
 * The text is *not* checked as a scenario here: run it through `runScenario`, which reports
 * line-numbered errors.
 */
export function decodeShare(fragment: string): DecodeResult {
	const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
	const fail = (error: string): DecodeResult => ({ ok: false, error });
	if (f.length > MAX_ENCODED_CHARS + 200) return fail('This link is too long to be a PortLab demo.');
	const fields = new Map<string, string>();
	for (const part of f.split('&')) {
		if (part === '') continue;
		const eq = part.indexOf('=');
		if (eq <= 0) return fail(`This link is damaged: "${clip(part)}" is not a key=value pair.`);
		const key = part.slice(0, eq);
		let value: string;
		try {
			// Percent-decode only (a "+" stays a "+": it is part of lz-string's alphabet).
			value = decodeURIComponent(part.slice(eq + 1));
		} catch {
			return fail(`This link is damaged: the value of "${clip(key)}" has a broken %-escape.`);
		}
		if (fields.has(key)) return fail(`This link is damaged: "${clip(key)}" appears twice.`);
		fields.set(key, value);
	}
	for (const key of fields.keys()) if (!KNOWN_KEYS.has(key)) fields.delete(key);

	const v = fields.get('v');
	if (v === undefined) return fail('This link has no format version (v=); it was not made by PortLab.');
	if (v !== String(SHARE_VERSION)) {
		return fail(`This link uses format version ${clip(v)}, but this page reads version ${SHARE_VERSION}.`);
	}

	let seed: number | null = null;
	const rawSeed = fields.get('seed');
	if (rawSeed !== undefined) {
		const p = /^\d{1,10}$/.test(rawSeed) ? parseSeed(rawSeed) : null;
		if (!p) return fail(`This link is damaged: "seed" must be a whole number, not "${clip(rawSeed)}".`);
		if (!p.ok || p.seed === null) return fail(`This link is damaged: "seed" must be at most ${MAX_SEED}, not ${rawSeed}.`);
		seed = p.seed;
	}
	let step = 0;
	const rawStep = fields.get('step');
	if (rawStep !== undefined) {
		const n = parseWholeNumber(rawStep, 'step', MAX_SHARED_STEP);
		if (typeof n === 'string') return fail(`This link is damaged: ${n}`);
		step = n;
	}

	const s = fields.get('s');
	if (s === undefined || s === '') return fail('This link carries no scenario (s= is missing or empty).');
	if (s.length > MAX_ENCODED_CHARS) return fail('The scenario in this link is too large to open.');
	if (!LZ_ALPHABET.test(s)) return fail('The scenario in this link is damaged: it contains characters a PortLab link never has.');
	const d = decompressUriBounded(s, MAX_SHARED_CHARS);
	if (!d.ok && d.reason === 'too-long') {
		return fail(`The scenario in this link is longer than ${MAX_SHARED_CHARS.toLocaleString('en')} characters, the most a link may carry.`);
	}
	if (!d.ok) return fail('The scenario in this link is damaged and cannot be decompressed.');
	const text = d.text;
	if (FORBIDDEN_CHARS.test(text)) return fail('The scenario in this link is damaged: it decompresses to binary data, not text.');
	return { ok: true, demo: { text, seed, step } };
}
