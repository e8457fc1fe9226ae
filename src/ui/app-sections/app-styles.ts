/** The styles of <gradflow-app>'s shadow root, shared by its sections (they render into that one root). */
import { css } from 'lit';

export const appStyles = css`
  :host { display: block; color: var(--gf-text); }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.25rem; margin-bottom: 0.75rem; }
  h1 { font-size: 1.35rem; margin: 0; }
  .facts { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-variant-numeric: tabular-nums; font-size: 0.92rem; }
  .facts b { font-weight: 600; }
  .layout { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; align-items: start; }
  @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
  aside, section.panel { border: 1px solid var(--gf-border); border-radius: 10px; padding: 0.75rem; background: var(--gf-surface); }
  aside { display: flex; flex-direction: column; gap: 1rem; }
  h2 { font-size: 1rem; margin: 0 0 0.5rem; }
  .views { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
  .view { display: flex; flex-direction: column; gap: 0.35rem; }
  .view gradflow-particle-view, .view gradflow-function-view { aspect-ratio: 1 / 1; width: 100%; }
  .view-tools { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; font-size: 0.88rem; }
  .chart { position: relative; }
  .chart button.png { position: absolute; top: 0.2rem; right: 0.2rem; font-size: 0.75rem; padding: 0.1rem 0.4rem; opacity: 0.7; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; margin-top: 1rem; }
  .banner { border-radius: 8px; padding: 0.6rem 0.8rem; margin-bottom: 0.75rem; }
  .banner.error { background: var(--gf-error-bg); color: var(--gf-error); }
  .banner.warning { background: var(--gf-warning-bg); }
  .banner.info { background: var(--gf-info-bg); }
  .row { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
  button, select { font: inherit; padding: 0.25rem 0.7rem; border-radius: 6px; border: 1px solid var(--gf-border); background: transparent; color: inherit; cursor: pointer; }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--gf-accent); outline-offset: 1px; }
  .error-text { color: var(--gf-error); font-size: 0.88rem; white-space: pre-wrap; }
  .muted { opacity: 0.75; font-size: 0.88rem; }
  ul.events { margin: 0.25rem 0 0; padding-left: 1.1rem; font-size: 0.88rem; }
`;
