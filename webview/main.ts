import { parseHostMessage } from '../src/protocol';
import { vscodeApi } from './vscodeApi';

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    console.error(`[column-wizard] rejected host message: ${parsed.error}`);
    return;
  }
  const title = document.getElementById('title');
  if (title) title.textContent = `Add a column to ${parsed.value.table}`;
});

vscodeApi.postMessage({ type: 'ready' });
