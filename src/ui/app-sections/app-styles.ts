/** The styles of <gradflow-app>'s shadow root, shared by its sections (they render into that one root). */
import { css } from 'lit';

export const appStyles = css`
  :host { display: block; color: var(--gf-text); }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.25rem; margin-bottom: 0.75rem; }
  h1 { font-size: 1.35rem; margin: 0; }
  .facts { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-variant-numeric: tabular-nums; font-size: 0.92rem; }
  .facts b { font-weight: 600; }
  .layout { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; align-items: start; }
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
  /* Run sets: member chips, small multiples, the comparison block. */
  .chip { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 50%; margin-right: 0.3rem; vertical-align: -0.05rem; flex: none; }
  .member-name { font-weight: 500; font-size: 0.88rem; margin-left: 0.4rem; white-space: nowrap; }
  .views.set { grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); }
  .members h2 .muted { font-weight: 400; }
  .multiples { display: grid; grid-template-columns: repeat(var(--columns, 4), minmax(0, 1fr)); gap: 0.45rem; align-content: start; max-width: 36rem; }
  button.multiple { display: flex; flex-direction: column; gap: 0.2rem; padding: 3px; border: 2px solid var(--gf-border); border-radius: 8px; background: var(--gf-surface); text-align: left; min-width: 0; }
  button.multiple:hover { border-color: var(--member-color, var(--gf-accent)); }
  button.multiple.focused { border-color: var(--member-color, var(--gf-accent)); box-shadow: 0 0 0 2px var(--member-color, var(--gf-accent)); }
  .multiple gradflow-particle-view.mini { aspect-ratio: 1 / 1; width: 100%; height: auto; pointer-events: none; border-radius: 5px; overflow: hidden; }
  .multiple .mini-note { aspect-ratio: 1 / 1; display: flex; align-items: center; justify-content: center; text-align: center; font-size: 0.75rem; opacity: 0.75; padding: 0.25rem; }
  .multiple-label { font-size: 0.75rem; line-height: 1.2; overflow-wrap: anywhere; display: flex; align-items: baseline; }
  section.comparison { margin-top: 1rem; }
  .comparison-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1.25rem; }
  .comparison-head h2 { margin: 0; }
  .sweep-legend { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1.5rem; font-size: 0.85rem; }
  .legend-part { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 0.6rem; }
  .legend-part code { font-size: 0.82rem; }
  .scale { position: relative; display: inline-block; width: 13rem; height: 1.9rem; margin: 0 0.6rem; vertical-align: middle; }
  .scale-bar { position: absolute; left: 0; right: 0; top: 0; height: 0.7rem; border-radius: 3px; }
  .scale-tick { position: absolute; top: 0.75rem; transform: translateX(-50%); font-size: 0.75rem; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .scale-tick::before { content: ''; position: absolute; left: 50%; top: -0.45rem; height: 0.35rem; border-left: 1px solid currentColor; }
  .swatches { display: inline-flex; flex-wrap: wrap; gap: 0.2rem 0.7rem; }
  .swatch { display: inline-flex; align-items: center; gap: 0.3rem; }
  .summaries { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; margin-top: 0.75rem; }
  /* Last, so it overrides the rules above. */
  @media (max-width: 900px) {
    .layout { grid-template-columns: 1fr; }
    /* One column: the run's controls, then what it shows, then the files and the editor (long) last. */
    aside { display: contents; }
    aside > section { border: 1px solid var(--gf-border); border-radius: 10px; padding: 0.75rem; background: var(--gf-surface); min-width: 0; order: 2; }
    aside > section:first-child { order: 0; }
    main { order: 1; min-width: 0; }
  }
`;
