// Options entrypoint's root: the page lives in extension/options/ (connection, tenant settings, rules, helpdesks).
import { OptionsPage } from '../../extension/options/OptionsPage';

/** The options page. */
export function App() {
  return <OptionsPage />;
}
