import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import type { CategoryNode } from '../category-tree';

/** The category tree as nested links; the current one is marked for screen readers too. */
export function CategoryTree({ tree, currentSlug }: { tree: CategoryNode[]; currentSlug?: string | undefined }) {
  const { t } = useTranslation();
  const linkClass = (active: boolean) =>
    `block rounded-lg px-3 py-2 text-sm ${active ? 'bg-brand-soft font-semibold text-brand-strong' : 'text-ink hover:bg-surface-muted'}`;
  const renderLevel = (nodes: CategoryNode[], depth: number) => (
    <ul className={depth > 0 ? 'ml-3 border-l border-line pl-2' : ''}>
      {nodes.map((node) => (
        <li key={node.id}>
          <Link to={paths.catalog(node.slug)} aria-current={node.slug === currentSlug ? 'page' : undefined} className={linkClass(node.slug === currentSlug)}>
            {node.name}
          </Link>
          {node.nodes.length ? renderLevel(node.nodes, depth + 1) : null}
        </li>
      ))}
    </ul>
  );
  return (
    <nav aria-label={t('catalog.categories')}>
      <ul>
        <li>
          <Link to={paths.catalog()} aria-current={!currentSlug ? 'page' : undefined} className={linkClass(!currentSlug)}>
            {t('catalog.allProducts')}
          </Link>
        </li>
      </ul>
      {renderLevel(tree, 0)}
    </nav>
  );
}
