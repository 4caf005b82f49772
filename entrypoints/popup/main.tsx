// Mounts the popup's React app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../extension/popup/popup.css';
import { App } from './App';

const container = document.getElementById('root');
if (!container) throw new Error('popup.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
