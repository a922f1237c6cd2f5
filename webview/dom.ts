/**
 * Building DOM without HTML strings: every piece of text goes through a text node, so names and SQL that came
 * from the database or the workspace are never parsed as markup.
 */
export type Child = Node | string | null | undefined | false;

export interface Props {
  readonly id?: string;
  readonly class?: string;
  readonly attrs?: Readonly<Record<string, string>>;
}

export function el(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.class) e.className = props.class;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  append(e, children);
  return e;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replace the children of `parent` in one step (one layout pass, no empty frame in between). */
export function replaceChildren(parent: Element, children: readonly Child[]): void {
  const frag = document.createDocumentFragment();
  append(frag, children);
  parent.replaceChildren(frag);
}
