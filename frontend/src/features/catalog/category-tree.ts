import type { Category } from '@/lib/api-types';

export type CategoryNode = Category & { nodes: CategoryNode[] };

/** The flat category list as a tree, each level sorted by name. */
export function buildCategoryTree(categories: Category[]): CategoryNode[] {
  const nodes = new Map<number, CategoryNode>(categories.map((c) => [c.id, { ...c, nodes: [] }]));
  const roots: CategoryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_id === null ? undefined : nodes.get(node.parent_id);
    (parent ? parent.nodes : roots).push(node);
  }
  const sort = (list: CategoryNode[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name));
    list.forEach((n) => sort(n.nodes));
  };
  sort(roots);
  return roots;
}

/** The chain from the root down to the category (for breadcrumbs). */
export function categoryPath(categories: Category[], id: number): Category[] {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const chain: Category[] = [];
  let current = byId.get(id);
  while (current && chain.length < 20) {
    chain.unshift(current);
    current = current.parent_id === null ? undefined : byId.get(current.parent_id);
  }
  return chain;
}
