/**
 * Web Worker that runs scenarios off the page's thread (issue 12 item 3): the playground and
 * shared links run here, so a scenario that does a lot of work never freezes the tab, and the
 * page can stop it with `terminate()`. Message in: {@link RunRequest}; messages out:
 * {@link FromSimWorker} (progress reports, then one `done`).
 *
 * @module
 */
import { handleRun } from './handle';
import type { FromSimWorker, RunRequest } from './protocol';

self.onmessage = (e: MessageEvent<RunRequest>) => {
	handleRun(e.data, (m: FromSimWorker) => (self as unknown as Worker).postMessage(m));
};
