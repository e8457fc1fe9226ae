/** A ReactiveControllerHost without an element, for controllers that only ask their host to re-render. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface FakeHost extends ReactiveControllerHost {
  /** How many times a controller asked for a re-render. */
  readonly updates: number;
}

export function fakeHost(): FakeHost {
  const controllers: ReactiveController[] = [];
  let updates = 0;
  return {
    get updates() {
      return updates;
    },
    addController: (controller) => void controllers.push(controller),
    removeController: (controller) => void controllers.splice(controllers.indexOf(controller), 1),
    requestUpdate: () => void updates++,
    updateComplete: Promise.resolve(true),
  };
}
