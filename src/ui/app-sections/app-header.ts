/** The header: the app's name, one line on what is trained, the run's live facts and the theme, compact enough to leave the first screen to the views. */
import { html, type TemplateResult } from 'lit';
import { THEMES, type ThemeController } from '../controllers/theme-controller';

export interface AppHeader {
  /** What is trained (src/ui/app-sections/run-summary.ts). */
  readonly summary: string;
  /** The live facts (src/ui/app-sections/run-facts.ts). */
  readonly facts: TemplateResult;
  readonly theme: ThemeController;
}

/** The header: name, summary (ellipsized, whole in its tooltip), theme, facts. */
export function appHeader({ summary, facts, theme }: AppHeader) {
  return html`<header>
      <h1>GradFlow</h1>
      <span class="summary muted" data-testid="run-summary" title=${summary}>${summary}</span>
      <label class="muted theme">theme
        <select .value=${theme.theme} @change=${(e: Event) => theme.choose((e.target as HTMLSelectElement).value)}>
          ${THEMES.map((t) => html`<option value=${t} ?selected=${t === theme.theme}>${t}</option>`)}
        </select>
      </label>
      ${facts}
    </header>`;
}
