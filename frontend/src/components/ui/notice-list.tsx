import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dismiss, type Notice } from '@/lib/notices';

const tones = {
  info: 'border-line-strong bg-surface',
  success: 'border-success/40 bg-success-soft',
  error: 'border-danger/40 bg-danger-soft',
};

/** The notices themselves (loaded with the first one). */
export default function NoticeList({ notices }: { notices: Notice[] }) {
  const { t } = useTranslation();
  return notices.map((notice) => (
    <div key={notice.id} className={`pointer-events-auto flex items-start gap-3 rounded-xl border p-3 text-sm text-ink shadow-lg ${tones[notice.tone]}`}>
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <p className="font-semibold">{notice.text}</p>
        {notice.details?.length ? (
          <ul className="list-disc pl-5">
            {notice.details.map((detail) => (
              <li key={detail}>{detail}</li>
            ))}
          </ul>
        ) : null}
        {notice.action ? (
          <Link to={notice.action.to} onClick={() => dismiss(notice.id)} className="font-semibold text-brand underline-offset-4 hover:underline">
            {notice.action.label}
          </Link>
        ) : null}
      </div>
      <button
        type="button"
        onClick={() => dismiss(notice.id)}
        className="-m-1 inline-flex size-11 shrink-0 items-center justify-center rounded-full text-lg text-ink-muted hover:bg-surface-muted"
        aria-label={t('actions.dismiss')}
      >
        <span aria-hidden="true">×</span>
      </button>
    </div>
  ));
}
