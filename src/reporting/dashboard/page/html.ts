/**
 * Just enough HTML building for the dashboard page: every value is escaped unless it is markup
 * this module made (a `Markup`), so names that users typed can never become markup.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Markup | string | number | null | undefined | false | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (part instanceof Markup) return part.text;
  return escapeHtml(String(part));
}

/** A tagged template: html`<p title="${title}">${text}</p>` escapes `title` and `text`. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Markup {
  let out = strings[0];
  parts.forEach((part, i) => {
    out += render(part) + strings[i + 1];
  });
  return new Markup(out);
}
