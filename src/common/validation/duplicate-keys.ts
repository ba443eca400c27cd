/**
 * The path of the first object key that appears twice in one object of a JSON text, or
 * undefined. JSON.parse keeps the last; a proxy or an auditor's tool may keep the first and so
 * read another amount than the one booked: such a body is refused. `text` must already be valid
 * JSON (one pass, no recursion, keys compared after unescaping).
 */
export function firstDuplicateKey(text: string): string | undefined {
  // One frame per open object or array, with how its parent names it.
  const frames: { keys?: Set<string>; key?: string; index: number; label?: string }[] = [];
  const labelOfChild = () => {
    const parent = frames[frames.length - 1];
    return parent === undefined ? undefined : parent.keys ? parent.key : String(parent.index);
  };
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const top = frames[frames.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return [...frames.slice(1).map((f) => f.label), key].join('.');
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      frames.push({ keys: c === '{' ? new Set() : undefined, index: 0, label: labelOfChild() });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',') {
      const top = frames[frames.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; ; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
}
