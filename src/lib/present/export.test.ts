import { describe, it, expect } from 'vitest';
import {
	resolveCssVars,
	styleDeclarations,
	inlineStyles,
	exportFileName,
	unionBox,
	wrapText,
	isStrayArrow,
	composeFigure,
	headerHeight,
	xmlEscape,
	type ElementLike,
	type StyleSource
} from './export';

const vars: Record<string, string> = {
	'--fg': '#16202c',
	'--client': ' #2357c6 ',
	'--accent': 'var(--client)',
	'--loop-a': 'var(--loop-b)',
	'--loop-b': 'var(--loop-a)',
	'--line': '1.5px'
};
const lookup = (n: string) => vars[n];

describe('resolveCssVars', () => {
	it('replaces variables, trimming their values', () => {
		expect(resolveCssVars('var(--client)', lookup)).toBe('#2357c6');
		expect(resolveCssVars('calc(var(--line) * 1.5)', lookup)).toBe('calc(1.5px * 1.5)');
		expect(resolveCssVars('1px solid var(--fg)', lookup)).toBe('1px solid #16202c');
	});
	it('resolves variables that refer to variables', () => {
		expect(resolveCssVars('var(--accent)', lookup)).toBe('#2357c6');
	});
	it('uses the fallback, itself resolved, when the variable is unset', () => {
		expect(resolveCssVars('var(--nope, red)', lookup)).toBe('red');
		expect(resolveCssVars('var(--nope, var(--fg))', lookup)).toBe('#16202c');
		expect(resolveCssVars('var(--nope, rgb(1, 2, 3))', lookup)).toBe('rgb(1, 2, 3)');
		expect(resolveCssVars('var(--nope)', lookup)).toBe('');
	});
	it('leaves values without var() alone and survives cycles and junk', () => {
		expect(resolveCssVars('rgb(0, 0, 0)', lookup)).toBe('rgb(0, 0, 0)');
		expect(resolveCssVars('var(--loop-a)', lookup)).toBe('');
		expect(resolveCssVars('var(--fg', lookup)).toBe('var(--fg');
	});
});

function style(values: Record<string, string>): StyleSource {
	return { getPropertyValue: (p) => values[p] ?? '' };
}

describe('styleDeclarations', () => {
	it('writes non-initial values at the root and skips initial ones', () => {
		const s = style({ fill: 'rgb(0, 0, 0)', stroke: 'rgb(1, 2, 3)', opacity: '1', 'font-size': '12px', display: 'inline' });
		expect(styleDeclarations(s, null)).toBe('stroke:rgb(1, 2, 3);font-size:12px');
	});
	it('skips inherited values equal to the parent, but not non-inherited ones', () => {
		const parent = style({ fill: 'rgb(9, 9, 9)', opacity: '0.5' });
		const child = style({ fill: 'rgb(9, 9, 9)', opacity: '0.5' });
		expect(styleDeclarations(child, parent)).toBe('opacity:0.5');
		// A child back at the initial value under a coloured parent must say so.
		expect(styleDeclarations(style({ fill: 'rgb(0, 0, 0)' }), parent)).toBe('fill:rgb(0, 0, 0)');
	});
	it('always writes forced properties and quotes font names safely', () => {
		const s = style({ fill: 'rgb(0, 0, 0)', 'font-family': '"SF Mono", monospace' });
		expect(styleDeclarations(s, null, new Set(['fill']))).toBe("fill:rgb(0, 0, 0);font-family:'SF Mono', monospace");
	});
});

class FakeEl implements ElementLike {
	attrs = new Map<string, string>();
	children: FakeEl[];
	constructor(
		public tag: string,
		attrs: Record<string, string>,
		public computed: Record<string, string>,
		children: FakeEl[] = []
	) {
		for (const [k, v] of Object.entries(attrs)) this.attrs.set(k, v);
		this.children = children;
	}
	get attributes() {
		return [...this.attrs].map(([name, value]) => ({ name, value }));
	}
	setAttribute(name: string, value: string) {
		this.attrs.set(name, value);
	}
	clone(): FakeEl {
		return new FakeEl(this.tag, Object.fromEntries(this.attrs), this.computed, this.children.map((c) => c.clone()));
	}
}

describe('inlineStyles', () => {
	const tree = () =>
		new FakeEl('svg', { viewBox: '0 0 10 10', class: 'x' }, { fill: 'rgb(0, 0, 0)', 'font-family': 'mono', '--client': '#2357c6' }, [
			new FakeEl('text', { fill: 'var(--client)', class: 'host-name' }, { fill: 'rgb(35, 87, 198)', 'font-family': 'mono', 'font-weight': '700', '--client': '#2357c6' }),
			new FakeEl('g', { class: 'pkt' }, { fill: 'rgb(0, 0, 0)', stroke: 'rgb(22, 32, 44)', 'stroke-width': '3px', 'font-family': 'mono' }, [
				new FakeEl('line', { 'marker-end': 'url(#arrowhead)' }, { fill: 'rgb(0, 0, 0)', stroke: 'rgb(22, 32, 44)', 'stroke-width': '3px', 'font-family': 'mono', display: 'none' })
			])
		]);

	it('writes computed styles into the clone and resolves var() in attributes', () => {
		const orig = tree();
		const copy = orig.clone();
		inlineStyles(orig, copy, (el) => style((el as FakeEl).computed));
		expect(copy.attrs.get('style')).toBe('font-family:mono');
		const [text, g] = copy.children;
		expect(text.attrs.get('fill')).toBe('#2357c6');
		expect(text.attrs.get('style')).toBe('fill:rgb(35, 87, 198);font-weight:700');
		expect(g.attrs.get('style')).toBe('stroke:rgb(22, 32, 44);stroke-width:3px');
		const line = g.children[0];
		expect(line.attrs.get('style')).toBe('display:none');
		expect(line.attrs.get('marker-end')).toBe('url(#arrowhead)');
		// The original is untouched.
		expect(orig.children[0].attrs.get('fill')).toBe('var(--client)');
		expect(orig.attrs.has('style')).toBe(false);
	});

	it('refuses a clone of a different shape', () => {
		const orig = tree();
		const copy = orig.clone();
		copy.children.pop();
		expect(() => inlineStyles(orig, copy, (el) => style((el as FakeEl).computed))).toThrow(/same children/);
	});
});

describe('exportFileName', () => {
	it('makes a safe, readable name with the step', () => {
		expect(exportFileName('Two tabs, one server: the 4-tuples differ!', 6, 'svg')).toBe('portlab-two-tabs-one-server-the-4-tuples-differ-step-7.svg');
		expect(exportFileName('Café ∅ <script>', 0, 'png')).toBe('portlab-cafe-script-step-1.png');
		expect(exportFileName('', 2, 'png')).toBe('portlab-diagram-step-3.png');
		expect(exportFileName('x'.repeat(100), 0, 'svg').length).toBeLessThan(80);
	});
});

describe('composing an exported figure', () => {
	it('unites boxes, ignoring empty ones', () => {
		expect(
			unionBox([
				{ x: 10, y: 20, width: 30, height: 5 },
				{ x: 0, y: 0, width: 0, height: 0 },
				{ x: 35, y: 10, width: 10, height: 40 }
			])
		).toEqual({ x: 10, y: 10, width: 35, height: 40 });
		expect(unionBox([])).toBeNull();
	});

	it('wraps a caption at spaces to the width, keeping long words whole', () => {
		const measure = (s: string) => s.length * 10;
		expect(wrapText('one two three four', 90, measure)).toEqual(['one two', 'three', 'four']);
		expect(wrapText('  supercalifragilistic  x ', 50, measure)).toEqual(['supercalifragilistic', 'x']);
		expect(wrapText('', 50, measure)).toEqual([]);
	});

	it('finds arrows of zero length (their arrowhead would float on the now line)', () => {
		const el = (a: Record<string, string>) => ({ getAttribute: (n: string) => a[n] ?? null });
		expect(isStrayArrow(el({ x1: '10', y1: '50', x2: '10', y2: '50', 'marker-end': 'url(#a)' }))).toBe(true);
		expect(isStrayArrow(el({ x1: '10', y1: '50', x2: '300', y2: '90', 'marker-end': 'url(#a)' }))).toBe(false);
		expect(isStrayArrow(el({ x1: '10', y1: '50', x2: '10', y2: '50' }))).toBe(false);
	});

	it('writes the title, the step and every part, canvas layers included, below the header', () => {
		const layout = {
			width: 300,
			height: 100,
			title: ['Two tabs & one <server>'],
			step: 'Step 5 of 37 · 210 ms',
			background: 'rgb(255, 255, 255)',
			fg: '#16202c',
			muted: '#5a6878',
			font: '"Noto Sans", sans-serif',
			titleSize: 18,
			stepSize: 14,
			pad: 16,
			minWidth: 480
		};
		const file = composeFigure(layout, [
			{ kind: 'svg', x: 0, y: 0, width: 300, height: 60, viewBox: '0 0 600 120', body: '<line x1="0" y1="0" x2="5" y2="5"/>' },
			{ kind: 'image', x: 10, y: 60, width: 256, height: 40, href: 'data:image/png;base64,AAAA', pixelated: true }
		]);
		expect(file.width).toBe(480);
		expect(file.height).toBe(Math.ceil(headerHeight(layout) + 100 + 16));
		expect(file.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		expect(file.text).toContain('>Two tabs &amp; one &lt;server&gt;</text>');
		expect(file.text).toContain('>Step 5 of 37 · 210 ms</text>');
		expect(file.text).toContain('font-family="&quot;Noto Sans&quot;, sans-serif"');
		// The narrow drawing is centred: (480 - 300) / 2.
		expect(file.text).toContain(`<g transform="translate(90.00 ${headerHeight(layout).toFixed(2)})">`);
		expect(file.text).toContain('<svg x="0.00" y="0.00" width="300.00" height="60.00" viewBox="0 0 600 120"><line x1="0" y1="0" x2="5" y2="5"/></svg>');
		expect(file.text).toContain('<image x="10.00" y="60.00" width="256.00" height="40.00" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,AAAA"');
		expect(xmlEscape('a"b')).toBe('a&quot;b');
	});
});
