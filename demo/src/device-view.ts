import type { DemoOutbox } from './demo-outbox.ts';
import { announce, h } from './dom.ts';
import { type DemoSession, decodeSignInCode, encodeSignInCode, saveSession } from './session.ts';
import { keptForOthers, leftBehindText, prepareSwitch } from './session-switch.ts';

/**
 * "Use on another device": shows this user's sign-in code, and signs in with a code from another
 * device. Switching user first sends this user's unsynced changes; when that cannot finish, it
 * says how many stay behind (kept on this device for when this user signs in again) and asks.
 */
export function deviceView(outbox: DemoOutbox, session: DemoSession, onSignIn: () => void): HTMLElement {
  const code = h('textarea', { id: 'sign-in-code', readonly: true, rows: 3, hidden: true });
  const showButton = h('button', { type: 'button', id: 'show-code', 'aria-controls': 'sign-in-code' }, 'Show sign-in code');
  showButton.addEventListener('click', () => {
    code.value = encodeSignInCode(session);
    code.hidden = false;
    code.select();
    void navigator.clipboard?.writeText(code.value).then(
      () => announce('Sign-in code copied'),
      () => undefined,
    );
  });
  const paste = h('textarea', { id: 'paste-code', rows: 3 });
  const error = h('p', { id: 'sign-in-error', role: 'alert' });
  const signInButton = h('button', { type: 'submit', id: 'sign-in-button' }, 'Sign in');
  const anyway = h('button', { type: 'button', id: 'sign-in-anyway', hidden: true }, 'Sign in anyway');
  const kept = h('ul', { id: 'kept-for-others', 'aria-label': 'Unsynced changes of other users on this device' });

  const switchTo = async (other: DemoSession): Promise<void> => {
    saveSession(other);
    await outbox.close();
    onSignIn();
  };
  let chosen: DemoSession | null = null;
  anyway.addEventListener('click', () => {
    if (chosen !== null) void switchTo(chosen);
  });
  const signIn = async (e: Event): Promise<void> => {
    e.preventDefault();
    const other = decodeSignInCode(paste.value);
    anyway.hidden = true;
    if (other === null) {
      error.textContent = 'That is not a sign-in code. Copy the whole code from the other device.';
      return;
    }
    if (other.userId === session.userId) return switchTo(other);
    error.textContent = 'Sending your changes before switching…';
    signInButton.disabled = true;
    const check = await prepareSwitch(outbox);
    signInButton.disabled = false;
    if (check.ready) return switchTo(other);
    chosen = other;
    error.textContent = leftBehindText(session, check.pending);
    anyway.hidden = false;
  };
  void keptForOthers(outbox, session).then(
    (others) =>
      kept.replaceChildren(
        ...others.map(({ userId, pending }) =>
          h(
            'li',
            {},
            `User ${userId}: ${pending === 1 ? '1 change' : `${pending} changes`} not sent yet, kept on this device until they sign in here again.`,
          ),
        ),
      ),
    () => undefined,
  );

  return h(
    'section',
    { 'aria-labelledby': 'device-title', class: 'panel stack' },
    h('h2', { id: 'device-title' }, 'Use on another device'),
    h('p', {}, `You are signed in as user ${session.userId}. Keep the code private: it signs in as you.`),
    showButton,
    h('label', { for: 'sign-in-code', class: 'visually-hidden' }, 'Your sign-in code'),
    code,
    h(
      'form',
      { class: 'stack', onsubmit: (e: Event) => void signIn(e) },
      h('label', { for: 'paste-code' }, 'Sign in with a code from another device'),
      paste,
      signInButton,
      error,
      anyway,
    ),
    kept,
  );
}
