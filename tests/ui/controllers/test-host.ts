/** A bare Lit element to attach controllers to in the browser tests; each test mounts a fresh one. */
import { LitElement } from 'lit';

export class ControllerTestHost extends LitElement {}
if (!customElements.get('controller-test-host')) customElements.define('controller-test-host', ControllerTestHost);

/** A host not yet in the document (connect it with `document.body.append`). */
export function detachedHost(): ControllerTestHost {
  return document.createElement('controller-test-host') as ControllerTestHost;
}
