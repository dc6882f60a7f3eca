// Wiring only: add the Outbox panel to DevTools.
chrome.devtools?.panels.create('Outbox', '', 'extension/panel.html');
