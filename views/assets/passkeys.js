// Passkey forms: fetch options from Gatehouse, ask the browser (simplewebauthn), post the result with the form. No inline script.
(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn || !webauthn.browserSupportsWebAuthn()) return;

  /** Options come from a POST carrying the form's CSRF token, so another site cannot start a ceremony for this page. */
  async function options(form) {
    const response = await fetch(form.dataset.options, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ csrf: form.elements.csrf.value }),
      credentials: 'same-origin',
    });
    if (!response.ok) throw new Error(`options: HTTP ${response.status}`);
    return response.json();
  }

  function say(form, text) {
    const status = form.querySelector('.status');
    if (status) status.textContent = text;
  }

  function submitWith(form, credential) {
    form.elements.credential.value = JSON.stringify(credential);
    form.submit();
  }

  async function run(form, useBrowserAutofill) {
    const optionsJSON = await options(form);
    if (form.dataset.passkey === 'register') return submitWith(form, await webauthn.startRegistration({ optionsJSON }));
    return submitWith(form, await webauthn.startAuthentication({ optionsJSON, useBrowserAutofill }));
  }

  for (const form of document.querySelectorAll('form[data-passkey]')) {
    form.hidden = false;
    form.addEventListener('submit', (event) => {
      // The form posts itself once the browser has answered; the button only starts the ceremony.
      if (form.elements.credential.value) return;
      event.preventDefault();
      say(form, form.dataset.working || '');
      // NotAllowedError is the user cancelling (or a timeout): nothing to report.
      run(form, false).catch((error) => say(form, error && error.name === 'NotAllowedError' ? '' : form.dataset.failed || ''));
    });
    // Conditional UI: the browser offers passkeys in the username field's autofill while the page waits.
    if (form.dataset.autofill !== undefined)
      webauthn.browserSupportsWebAuthnAutofill().then((supported) => {
        if (supported) run(form, true).catch(() => {});
      });
  }
})();
