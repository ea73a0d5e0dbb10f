import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';

/** A page that failed to load or render (e.g. its chunk after a deploy, or offline): say so, offer a reload. */
function RouteErrorView() {
  const { t } = useTranslation();
  return (
    <div role="alert" className="mx-auto flex max-w-xl flex-col items-center gap-4 py-16 text-center">
      <h1 className="font-display text-3xl">{t('states.pageFailed')}</h1>
      <p className="text-ink-muted">{t('errors.network_error')}</p>
      <Button onClick={() => window.location.reload()}>{t('actions.reload')}</Button>
    </div>
  );
}

/** Catches a failing page; the layout (header, footer, navigation) keeps working. Reset by `key`. */
export class RouteErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('page failed', error, info.componentStack);
  }

  render() {
    return this.state.failed ? <RouteErrorView /> : this.props.children;
  }
}
