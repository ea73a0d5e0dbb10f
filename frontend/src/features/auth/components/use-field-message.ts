import { useTranslation } from 'react-i18next';

/** A form error's text: our schema's messages are i18n keys, the API's are already translated. */
export function useFieldMessage() {
  const { t } = useTranslation();
  return (message: string | undefined) => (message?.startsWith('validation.') ? t(message) : message);
}
