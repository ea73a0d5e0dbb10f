/** The time left to pay a card order (its stock is held until `hold_expires_at`). */

/** Milliseconds from `now` to the hold's end, never below 0. */
export function timeLeft(holdExpiresAt: string, now: number): number {
  const end = Date.parse(holdExpiresAt);
  return Number.isNaN(end) ? 0 : Math.max(0, end - now);
}

/** "14:05", "00:09": minutes and seconds, rounded up so 0:00 shows only when the hold has ended. */
export function formatCountdown(milliseconds: number): string {
  const total = Math.max(0, Math.ceil(milliseconds / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

/**
 * What a screen reader is told (aria-live polite): the whole minutes left, rounded up, so the
 * announcement changes once a minute, not every second; 0 once the hold has ended.
 */
export function minutesToAnnounce(milliseconds: number): number {
  return milliseconds <= 0 ? 0 : Math.ceil(milliseconds / 60_000);
}
