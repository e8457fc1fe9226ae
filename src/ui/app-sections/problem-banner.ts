/**
 * The config's problems at the top of the page, where they are seen before anything else: a bad value in the
 * link or the form (the field, the value and what is allowed, in parseConfig's words), an unknown preset (the
 * default runs instead), a link that could not be applied or kept. The field itself is marked in the form too.
 */
import { html, nothing } from 'lit';

export interface ProblemBanner {
  /** The config controller's problem ('' for none). */
  readonly problem: string;
  /** Why the config is not kept in the link ('' for none). */
  readonly linkProblem: string;
  /** The config is invalid: it does not run. */
  readonly blocked: boolean;
  /** A run is on screen (the last valid config's, while the new one waits for its fix). */
  readonly running: boolean;
}

/** The error banner (with what a run does meanwhile) and the link's warning; nothing when all is well. */
export function problemBanner({ problem, linkProblem, blocked, running }: ProblemBanner) {
  const lead = !blocked ? '' : running ? 'Not applied until this is fixed; the run shown is the last valid config.' : 'Nothing runs until this is fixed.';
  const problems = problemLines(problem);
  return html`${problem
      ? html`<div class="banner error problem" role="alert" data-testid="config-problem">${lead ? html`<b>${lead}</b> ` : nothing}${problems.length > 1
          ? html`<ul class="problems">${problems.map((line) => html`<li>${line}</li>`)}</ul>`
          : html`<span class="problem-text">${problems[0]}</span>`}</div>`
      : nothing}
    ${linkProblem ? html`<div class="banner warning" role="alert" data-testid="link-problem">${linkProblem}</div>` : nothing}`;
}

/** A ConfigError's message ("invalid config:" and a "  - field: ..." line per problem) as its problems; other messages whole. */
export function problemLines(problem: string): string[] {
  const [first = '', ...rest] = problem.split('\n');
  if (!/^invalid [^:]*:$/.test(first) || rest.length === 0 || !rest.every((line) => line.startsWith('  - '))) return [problem];
  return rest.map((line) => line.slice(4));
}
