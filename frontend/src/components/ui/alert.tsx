import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'error';
const tones: Record<Tone, string> = {
  info: 'border-line-strong bg-surface-muted text-ink',
  success: 'border-success/40 bg-success-soft text-ink',
  error: 'border-danger/40 bg-danger-soft text-ink',
};

/** A message box; errors are announced at once (role=alert), the rest politely (role=status). */
export function Alert({ tone = 'info', title, children }: { tone?: Tone; title?: string; children?: ReactNode }) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-xl border px-4 py-3 text-sm ${tones[tone]}`}>
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={title ? 'mt-1' : ''}>{children}</div> : null}
    </div>
  );
}
