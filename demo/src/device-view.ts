import { announce, h } from './dom.ts';
import { type DemoSession, decodeSignInCode, encodeSignInCode, saveSession } from './session.ts';

/** "Use on another device": shows this user's sign-in code, and signs in with a code from another device. */
export function deviceView(session: DemoSession, onSignIn: () => void): HTMLElement {
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
  const signIn = (e: Event): void => {
    e.preventDefault();
    const other = decodeSignInCode(paste.value);
    if (other === null) {
      error.textContent = 'That is not a sign-in code. Copy the whole code from the other device.';
      return;
    }
    saveSession(other);
    onSignIn();
  };

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
      { class: 'stack', onsubmit: signIn },
      h('label', { for: 'paste-code' }, 'Sign in with a code from another device'),
      paste,
      h('button', { type: 'submit', id: 'sign-in-button' }, 'Sign in'),
      error,
    ),
  );
}
