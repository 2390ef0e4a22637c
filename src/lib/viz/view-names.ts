/**
 * The views a SimPlayer figure can show, as one typed list. A lesson's `views="ladder,state"`
 * is parsed by {@link parseViews}, which throws on a name that is not in {@link VIEW_NAMES};
 * the lesson index runs it over every lesson (src/lib/content/lessons.ts), so a typo fails
 * `npm run build` naming the file and line instead of rendering nothing.
 *
 * No components here, so build-time code can import it; views.ts loads the components.
 *
 * @module
 */

/** Every view name, in the order the docs list them. */
export const VIEW_NAMES = ['ladder', 'sockets', 'header', 'state', 'ports', 'topology', 'nat', 'terminal', 'window'] as const;

/** One view of a figure. */
export type ViewName = (typeof VIEW_NAMES)[number];

/** Human names of the views (for labels, menus and messages). */
export const VIEW_TITLES: Record<ViewName, string> = {
	ladder: 'ladder diagram',
	sockets: 'socket tables',
	header: 'packet header',
	state: 'state diagram',
	ports: 'port map',
	topology: 'network topology',
	nat: 'NAT translation table',
	terminal: 'terminal output',
	window: 'window chart'
};

/** Views that are drawings (SVG/canvas), so they can be exported as an image. */
export const DRAWN_VIEWS: ReadonlySet<ViewName> = new Set<ViewName>(['ladder', 'ports', 'state', 'topology']);

/** Is `name` a view name? */
export function isViewName(name: string): name is ViewName {
	return (VIEW_NAMES as readonly string[]).includes(name);
}

/** A `views` list that names a view that does not exist, or names one twice. */
export class ViewListError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ViewListError';
	}
}

/**
 * Parse a comma-separated view list (`"ladder, sockets,header"`): names trimmed, empty items
 * ignored, order kept.
 * @throws ViewListError for an unknown or repeated name (the message lists the valid names),
 *   or for a list with no view at all.
 */
export function parseViews(list: string): ViewName[] {
	const out: ViewName[] = [];
	for (const raw of list.split(',')) {
		const name = raw.trim();
		if (name === '') continue;
		if (!isViewName(name)) throw new ViewListError(`unknown view "${name}" (the views are ${VIEW_NAMES.join(', ')})`);
		if (out.includes(name)) throw new ViewListError(`view "${name}" is listed twice`);
		out.push(name);
	}
	if (out.length === 0) throw new ViewListError(`no view listed (the views are ${VIEW_NAMES.join(', ')})`);
	return out;
}

/** {@link parseViews} without throwing: the views, or an empty list and the error message. */
export function tryParseViews(list: string): { views: ViewName[]; error: string | null } {
	try {
		return { views: parseViews(list), error: null };
	} catch (e) {
		if (e instanceof ViewListError) return { views: [], error: e.message };
		throw e;
	}
}
