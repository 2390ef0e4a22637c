import { examData } from '../exam-data.server';

export const prerender = true;

export function load() {
	return examData();
}
