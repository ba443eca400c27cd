/**
 * A typed JSX runtime that renders to strings on the server: no React, no bundler. tsconfig sets
 * `jsx: react` with `h` and `Fragment` as factories, so `nest build` and ts-jest compile the
 * console's .tsx files like any other source.
 *
 * Everything is escaped unless it is already Html: text children and attribute values alike.
 * Inline event handlers (`on…` attributes) do not type-check: the CSP allows no inline script.
 */

const HTML = Symbol('html');

/** Markup that is safe to send as it is: made by this runtime, or declared trusted with `raw`. */
export interface Html {
  readonly [HTML]: true;
  readonly text: string;
}

export type Child = Html | string | number | boolean | null | undefined | readonly Child[];

type AttributeValue = string | number | boolean | null | undefined;

/** Any attribute but inline event handlers, plus children. */
export type Attributes = { [name: string]: AttributeValue | Child } & { [handler: `on${string}`]: never; children?: Child };

export type Component<P> = (props: P & { children?: Child }) => Html;

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Trusted markup (an inline SVG made by a library, a pre-rendered fragment): never user input. */
export function raw(text: string): Html {
  return { [HTML]: true, text };
}

export function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && (value as Html)[HTML] === true;
}

export function renderChild(child: Child): string {
  if (child === null || child === undefined || child === false || child === true) return '';
  if (Array.isArray(child)) return child.map(renderChild).join('');
  if (isHtml(child)) return child.text;
  return escapeHtml(String(child));
}

function renderAttributes(props: Record<string, unknown>): string {
  let out = '';
  for (const [name, value] of Object.entries(props)) {
    if (name === 'children' || value === undefined || value === null || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`inline event handler ${name} refused: the CSP allows no inline script`);
    if (!/^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/.test(name)) throw new Error(`invalid attribute name ${name}`);
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

/** The JSX factory. */
export function h(tag: string | Component<any>, props: Record<string, unknown> | null, ...children: Child[]): Html {
  const all = { ...(props ?? {}) };
  const kids: Child = children.length === 0 ? (all.children as Child) : children.length === 1 ? children[0] : children;
  if (typeof tag === 'function') return tag({ ...all, children: kids });
  const open = `<${tag}${renderAttributes(all)}>`;
  if (VOID_ELEMENTS.has(tag)) return raw(open);
  return raw(`${open}${renderChild(kids)}</${tag}>`);
}

export function Fragment(props: { children?: Child }): Html {
  return raw(renderChild(props.children));
}

/** A whole document. */
export function renderDocument(page: Html): string {
  return `<!doctype html>\n${page.text}`;
}

// The JSX namespace on the factory: TypeScript looks it up there for `jsxFactory: h`, so the
// console's types need no global declarations.
export namespace h {
  export namespace JSX {
    export type Element = Html;
    export interface IntrinsicElements {
      [tag: string]: Attributes;
    }
    export interface ElementChildrenAttribute {
      children: unknown;
    }
  }
}
