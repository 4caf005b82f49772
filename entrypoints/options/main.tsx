// Mounts the options page's React app with its stylesheet.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../extension/options/options.css';
import { App } from './App';

const container = document.getElementById('root');
if (!container) throw new Error('options.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
