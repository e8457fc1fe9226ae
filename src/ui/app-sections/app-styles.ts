/** The styles of <gradflow-app>'s shadow root, shared by its sections (they render into that one root). */
import { css } from 'lit';

export const appStyles = css`
  :host { display: block; color: var(--gf-text); }
  /* The header is one or two short lines: the first screen belongs to the views. */
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.15rem 1rem; margin-bottom: 0.5rem; font-size: 0.85rem; }
  h1 { font-size: 1.2rem; margin: 0; }
  header .summary { flex: 1 1 24rem; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  header .theme select { padding: 0.1rem 0.4rem; }
  .facts { flex: 1 1 100%; display: flex; flex-wrap: wrap; gap: 0.1rem 0.8rem; font-variant-numeric: tabular-nums; font-size: 0.82rem; }
  .facts b { font-weight: 600; }
  /* Desktop: the controls on the left, the run (play control and views) on the right, sticky while the form scrolls. */
  .layout { display: grid; grid-template-columns: minmax(16rem, 22rem) minmax(0, 1fr); grid-template-areas: 'side stage'; gap: 1rem; align-items: start; }
  .stage { grid-area: stage; position: sticky; top: 0.5rem; z-index: 1; min-width: 0; }
  aside { grid-area: side; display: flex; flex-direction: column; gap: 0.75rem; min-width: 0; }
  section.panel, details.panel { border: 1px solid var(--gf-border); border-radius: 10px; padding: 0.75rem; background: var(--gf-surface); }
  details.panel > summary { cursor: pointer; font-weight: 600; }
  details.panel[open] > summary { margin-bottom: 0.5rem; }
  h2 { font-size: 1rem; margin: 0 0 0.5rem; }
  .transport { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-bottom: 0.5rem; }
  .transport button.play { width: 3.25rem; height: 3.25rem; padding: 0; border-radius: 50%; border: none; background: var(--gf-accent); color: var(--gf-surface); font-size: 1.25rem; display: inline-grid; place-items: center; }
  .transport button.play:disabled { opacity: 0.45; cursor: default; }
  .transport button:disabled { opacity: 0.45; cursor: default; }
  .run-state { font-size: 0.88rem; font-variant-numeric: tabular-nums; }
  .views { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
  /* Each view's head, drawing and caption on rows shared by the views (subgrid): the drawings line up however the heads wrap. */
  .view { display: grid; grid-row: span 3; grid-template-rows: subgrid; gap: 0.3rem; min-width: 0; align-content: start; }
  .view-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.2rem 0.75rem; align-self: end; }
  .view-head h2 { margin: 0; }
  /* Square, and never taller than the screen leaves for them (the stage sticks whole). */
  .view gradflow-particle-view, .view gradflow-function-view, .view gradflow-landscape-view { aspect-ratio: 1 / 1; height: auto; width: min(100%, calc(100svh - 15rem)); justify-self: center; }
  .view-tools { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; font-size: 0.88rem; }
  .caption { font-size: 0.8rem; }
  .essential-fields { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 0.35rem 0.6rem; align-items: center; }
  .essential-fields input, .essential-fields select { font: inherit; width: 100%; box-sizing: border-box; padding: 0.2rem 0.35rem; border-radius: 4px; border: 1px solid var(--gf-border); background: transparent; color: inherit; }
  .essential-fields select option { color: initial; }
  .essential-fields [aria-invalid='true'] { border-color: var(--gf-error); border-width: 2px; }
  .field-problem { grid-column: 2; color: var(--gf-error); font-size: 0.8rem; margin-top: -0.2rem; }
  details.about { margin-top: 0.5rem; font-size: 0.88rem; }
  details.about > summary { cursor: pointer; }
  details.about p { margin: 0.3rem 0 0; }
  .banners:empty { display: none; }
  .problem-text { white-space: pre-wrap; }
  ul.problems { margin: 0.2rem 0 0; padding-left: 1.1rem; }
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
  .multiple gradflow-particle-view.mini, .multiple gradflow-landscape-view.mini { aspect-ratio: 1 / 1; width: 100%; height: auto; pointer-events: none; border-radius: 5px; overflow: hidden; }
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
  /* The analysis of the current parameters: compact number tables. */
  .analysis-table { border-collapse: collapse; font-size: 0.75rem; font-variant-numeric: tabular-nums; margin: 0.4rem 0; width: 100%; }
  .analysis-table caption { text-align: left; font-weight: 600; padding-bottom: 0.2rem; }
  .analysis-table th, .analysis-table td { text-align: right; padding: 0.05rem 0.3rem; border-bottom: 1px solid var(--gf-border); white-space: nowrap; }
  .analysis-table th[scope='row'] { text-align: left; font-weight: 500; white-space: nowrap; }
  /* Last, so it overrides the rules above. */
  @media (max-width: 900px) {
    /* One column: the run first (play control and views), then the controls, then the charts. */
    .layout { grid-template-columns: minmax(0, 1fr); grid-template-areas: 'stage' 'side'; }
    .stage { position: static; }
  }
  @media (max-width: 640px) {
    /*
     * A phone: the views one per row, each the screen's width, so both have room for axes, ticks and keys. The
     * figure (plot and axes) keeps 5:3 and the key's rows, however many it wraps onto, add to the view's height
     * (--gf-figure-aspect, src/ui/view-frame.ts): both views and the play control stay on the first screen.
     */
    section.panel, details.panel { padding: 0.5rem; }
    .views, .views.set { grid-template-columns: minmax(0, 1fr); gap: 0.5rem; }
    .view > gradflow-particle-view, .view > gradflow-function-view, .view > gradflow-landscape-view { width: 100%; height: auto; aspect-ratio: auto; --gf-figure-aspect: 5 / 3; }
    .views .members { grid-column: 1 / -1; }
    .view-head h2 { font-size: 0.85rem; }
    .view-tools { font-size: 0.75rem; gap: 0.25rem; }
    .view-tools button, .view-tools select { padding: 0.1rem 0.3rem; }
    .caption { font-size: 0.72rem; }
    /* The name and the theme on the first line, then what is trained (two lines at most), then the facts. */
    header .theme { order: -1; margin-left: auto; }
    header h1 { order: -2; }
    header .summary { flex-basis: 100%; white-space: normal; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
    .run-state { font-size: 0.8rem; }
  }
`;
